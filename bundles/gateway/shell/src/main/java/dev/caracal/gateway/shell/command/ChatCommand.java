package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.Usage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "llm", name = "chat", description = "Ask a model through the gateway (routes, fallback, filters)",
        detailedDescription = "Examples:\n  llm:chat --model gpt-4o-mini 'Name three sorting algorithms'\n"
                + "  llm:chat --stream --model claude-3-5-haiku-latest --system 'Answer in French' 'Hello'\n"
                + "Without --model, the first model of llm:models is used. Ctrl-C stops a stream.")
public class ChatCommand extends GatewayCommandSupport {

    @Argument(index = 0, name = "prompt", required = true, description = "The user message")
    String prompt;

    @Option(name = "-m", aliases = "--model", description = "Model or route name (llm:models lists them)")
    String model;

    @Option(name = "-s", aliases = "--stream", description = "Print the answer as it is generated")
    boolean stream;

    @Option(name = "--system", description = "A system prompt")
    String system;

    @Option(name = "--max-tokens", description = "Most tokens to generate")
    Integer maxTokens;

    @Option(name = "-t", aliases = "--temperature", description = "Sampling temperature")
    Double temperature;

    @Override
    protected Object run() throws Exception {
        String name = model;
        if (name == null || name.isBlank()) {
            List<ModelInfo> models = gateway.models();
            if (models.isEmpty()) {
                System.err.println("Error: no model is available; configure a provider (llm:providers)");
                return null;
            }
            name = models.get(0).id();
            System.out.println("(model " + name + ")");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1");
        }
        ChatRequest request = new ChatRequest(name, system, List.of(Message.user(prompt)), null, null,
                new SamplingParameters(temperature, null, null, maxTokens, null, null, null), null, stream, Map.of());
        CallContext context = new CallContext("console-" + UUID.randomUUID(), "console", Map.of());
        if (!stream) {
            ChatResponse response = gateway.complete(context, request);
            System.out.println(response.text());
            for (ContentPart part : response.content()) {
                if (part instanceof ContentPart.ToolUse use) {
                    System.out.println("[tool call " + use.name() + " " + use.argumentsJson() + "]");
                }
            }
            footer(context, response.model(), response.usage(), response.stopReason().name());
            return null;
        }
        BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
        StreamHandle handle = gateway.stream(context, request, events::add);
        String upstreamModel = name;
        Usage usage = Usage.ZERO;
        try {
            while (true) {
                StreamEvent event = events.take(); // Ctrl-C interrupts: the finally cancels the stream
                if (event instanceof StreamEvent.Start start) {
                    upstreamModel = start.model() == null ? upstreamModel : start.model();
                } else if (event instanceof StreamEvent.TextDelta delta) {
                    System.out.print(delta.text());
                    System.out.flush();
                } else if (event instanceof StreamEvent.ToolCallDelta call) {
                    System.out.print(call.name() != null ? "\n[tool call " + call.name() + " " : "");
                    System.out.print(call.argumentsDelta() == null ? "" : call.argumentsDelta());
                } else if (event instanceof StreamEvent.UsageUpdate u) {
                    usage = u.usage();
                } else if (event instanceof StreamEvent.End end) {
                    System.out.println();
                    footer(context, upstreamModel, usage, end.stopReason().name());
                    return null;
                } else if (event instanceof StreamEvent.Error error) {
                    System.out.println();
                    System.err.println("Error: " + error.error().kind().name().toLowerCase(Locale.ROOT) + ": "
                            + error.error().getMessage());
                    return null;
                }
            }
        } finally {
            handle.cancel();
        }
    }

    private static void footer(CallContext context, String upstreamModel, Usage usage, String stopReason) {
        List<Attempt> attempts = context.attempts();
        StringBuilder via = new StringBuilder();
        for (Attempt a : attempts) {
            via.append(via.length() == 0 ? "" : ", ").append(a.providerId()).append('/').append(a.model())
                    .append(a.succeeded() ? "" : " failed (" + a.error().name().toLowerCase(Locale.ROOT) + ")");
        }
        System.out.printf(Locale.ROOT, "-- %s, %s, %d in / %d out tokens%s%n", upstreamModel,
                stopReason.toLowerCase(Locale.ROOT), usage.inputTokens(), usage.outputTokens(),
                via.length() == 0 ? "" : ", via " + via);
    }
}
