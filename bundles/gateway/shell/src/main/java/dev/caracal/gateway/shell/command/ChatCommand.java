package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.Reasoning;
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
@Command(
        scope = "llm",
        name = "chat",
        description = "Ask a model through the gateway (routes, fallback, filters)",
        detailedDescription = "Examples:\n  llm:chat --model gpt-4o-mini 'Name three sorting algorithms'\n"
                + "  llm:chat --stream --model claude-3-5-haiku-latest --system 'Answer in French' 'Hello'\n"
                + "  llm:chat --reasoning high --model claude-sonnet-4-5 'Is 1,001 prime?'\n"
                + "Without --model, the first model of llm:models is used. Ctrl-C stops a stream. The model's\n"
                + "thinking, when it shows any, is printed before the answer, each line starting with '| '.")
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

    @Option(
            name = "-r",
            aliases = "--reasoning",
            description = "Ask a reasoning model to think: an effort "
                    + "(minimal, low, medium, high) or a token budget (e.g. 4096)")
    String reasoning;

    /** The {@code --reasoning} value as the request's {@link Reasoning}; {@code null} when not given. */
    static Reasoning parseReasoning(String value) {
        if (value == null) {
            return null;
        }
        Reasoning.Effort effort = Reasoning.Effort.parse(value.trim());
        if (effort != null) {
            return Reasoning.effort(effort);
        }
        try {
            int budget = Integer.parseInt(value.trim());
            if (budget >= 1) {
                return Reasoning.budget(budget);
            }
        } catch (NumberFormatException e) {
            // fall through to the message naming what is accepted
        }
        throw new IllegalArgumentException(
                "--reasoning takes minimal, low, medium, high or a positive token budget," + " not '" + value + "'");
    }

    @Override
    protected Object run() throws Exception {
        String name = model;
        if (name == null || name.isBlank()) {
            name = gateway.models().stream()
                    .filter(m -> !m.capabilities().embeddings())
                    .map(ModelInfo::id)
                    .findFirst()
                    .orElseThrow(() -> failure("no chat model is available; configure a provider (llm:providers)"));
            System.out.println("(model " + name + ")");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1");
        }
        ChatRequest request = new ChatRequest(
                name,
                system,
                List.of(Message.user(prompt)),
                null,
                null,
                new SamplingParameters(temperature, null, null, maxTokens, null, null, null),
                null,
                stream,
                Map.of(),
                parseReasoning(reasoning));
        CallContext context = new CallContext("console-" + UUID.randomUUID(), "console", Map.of());
        if (!stream) {
            ChatResponse response = gateway.complete(context, request);
            for (ContentPart part : response.content()) {
                if (part instanceof ContentPart.Thinking thinking) {
                    System.out.println(quoted(thinking.text()));
                } else if (part instanceof ContentPart.RedactedThinking) {
                    System.out.println("| (redacted thinking)");
                }
            }
            System.out.println(response.text());
            for (ContentPart part : response.content()) {
                if (part instanceof ContentPart.ToolUse use) {
                    System.out.println("[tool call " + use.name() + " " + use.argumentsJson() + "]");
                }
            }
            footer(
                    context,
                    response.model(),
                    response.usage(),
                    response.stopReason().name());
            return null;
        }
        BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
        StreamHandle handle = gateway.stream(context, request, events::add);
        String upstreamModel = name;
        Usage usage = Usage.ZERO;
        boolean lineStart = true;
        boolean inThinking = false;
        try {
            while (true) {
                StreamEvent event = events.take(); // Ctrl-C interrupts: the finally cancels the stream
                if (event instanceof StreamEvent.Start start) {
                    upstreamModel = start.model() == null ? upstreamModel : start.model();
                } else if (event instanceof StreamEvent.ThinkingDelta thinking) {
                    for (char c : thinking.text().toCharArray()) {
                        System.out.print(lineStart ? "| " + c : String.valueOf(c));
                        lineStart = c == '\n';
                    }
                    inThinking = true;
                    System.out.flush();
                } else if (event instanceof StreamEvent.RedactedThinking) {
                    System.out.println((lineStart ? "" : "\n") + "| (redacted thinking)");
                    lineStart = true;
                } else if (event instanceof StreamEvent.TextDelta delta) {
                    if (inThinking && !lineStart) {
                        System.out.println();
                    }
                    inThinking = false;
                    lineStart = true;
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
                    throw failure(
                            error.error().kind().name().toLowerCase(Locale.ROOT) + ": "
                                    + error.error().getMessage(),
                            error.error());
                }
            }
        } finally {
            handle.cancel();
        }
    }

    /** {@code text} with every line starting with {@code "| "}. */
    static String quoted(String text) {
        return "| " + text.replace("\n", "\n| ");
    }

    private static void footer(CallContext context, String upstreamModel, Usage usage, String stopReason) {
        List<Attempt> attempts = context.attempts();
        StringBuilder via = new StringBuilder();
        for (Attempt a : attempts) {
            via.append(via.length() == 0 ? "" : ", ")
                    .append(a.providerId())
                    .append('/')
                    .append(a.model())
                    .append(a.succeeded() ? "" : " failed (" + a.error().name().toLowerCase(Locale.ROOT) + ")");
        }
        System.out.printf(
                Locale.ROOT,
                "-- %s, %s, %d in / %d out tokens%s%n",
                upstreamModel,
                stopReason.toLowerCase(Locale.ROOT),
                usage.inputTokens(),
                usage.outputTokens(),
                via.length() == 0 ? "" : ", via " + via);
    }
}
