package dev.caracal.llm.testkit;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chat requests for tests, built by name instead of by the ten positions of {@link ChatRequest}: {@code
 * ChatRequests.to("gpt-4o").system("Be brief.").user("hi").tools(weather).streamed().build()}. What is not given
 * is left to the record's defaults (no system prompt, no tools, default sampling, not streamed, no reasoning).
 */
public final class ChatRequests {

    private final String model;
    private String system;
    private List<ContentPart.Text> systemBlocks;
    private final List<Message> messages = new ArrayList<>();
    private List<ToolDefinition> tools;
    private ToolChoice toolChoice;
    private SamplingParameters sampling;
    private List<String> stop;
    private boolean stream;
    private Map<String, String> metadata;
    private Reasoning reasoning;

    private ChatRequests(String model) {
        this.model = model;
    }

    /** A request to {@code model}. */
    public static ChatRequests to(String model) {
        return new ChatRequests(model);
    }

    /** A request to {@code model} of one user message. */
    public static ChatRequest ask(String model, String userText) {
        return to(model).user(userText).build();
    }

    /** A streamed request to {@code model} of one user message. */
    public static ChatRequest streamOf(String model, String userText) {
        return to(model).user(userText).streamed().build();
    }

    public ChatRequests system(String text) {
        this.system = text;
        return this;
    }

    /** The system prompt as blocks, each with its own cache breakpoint (or none). */
    public ChatRequests systemBlocks(ContentPart.Text... blocks) {
        this.systemBlocks = List.of(blocks);
        return this;
    }

    /** Adds a user message. */
    public ChatRequests user(String text) {
        messages.add(Message.user(text));
        return this;
    }

    /** Adds messages, in order. */
    public ChatRequests messages(Message... more) {
        return messages(List.of(more));
    }

    /** Adds messages, in order. */
    public ChatRequests messages(List<Message> more) {
        messages.addAll(more);
        return this;
    }

    public ChatRequests tools(ToolDefinition... offered) {
        return tools(List.of(offered));
    }

    public ChatRequests tools(List<ToolDefinition> offered) {
        this.tools = offered;
        return this;
    }

    public ChatRequests toolChoice(ToolChoice choice) {
        this.toolChoice = choice;
        return this;
    }

    public ChatRequests sampling(SamplingParameters parameters) {
        this.sampling = parameters;
        return this;
    }

    /** Sampling parameters with only {@code maxTokens} set ({@code null}: all defaults). */
    public ChatRequests maxTokens(Integer maxTokens) {
        return sampling(new SamplingParameters(null, null, null, maxTokens, null, null, null));
    }

    public ChatRequests stop(String... sequences) {
        this.stop = List.of(sequences);
        return this;
    }

    /** Asks for a streamed answer. */
    public ChatRequests streamed() {
        return stream(true);
    }

    public ChatRequests stream(boolean value) {
        this.stream = value;
        return this;
    }

    public ChatRequests metadata(Map<String, String> values) {
        this.metadata = values;
        return this;
    }

    public ChatRequests reasoning(Reasoning options) {
        this.reasoning = options;
        return this;
    }

    public ChatRequest build() {
        return new ChatRequest(
                model,
                system,
                messages,
                tools,
                toolChoice,
                sampling,
                stop,
                stream,
                metadata,
                reasoning,
                null,
                null,
                systemBlocks);
    }
}
