package dev.caracal.llm;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider-neutral chat request. {@code model} is the name the caller asked for; the gateway resolves it to a
 * provider and upstream model. {@code metadata} carries caller attributes (user, session, tags) for filters.
 * {@code reasoning} is what the caller asked of a reasoning model, or {@code null} for the provider's default.
 * {@code extras} is what the client sent that this record does not model ({@link RequestExtras}): carried verbatim
 * to a provider of the client's format, refused by another; never {@code null}. {@code responseFormat} is the shape
 * the answer's text must have (structured outputs), or {@code null} for free text.
 *
 * <p>{@code system} is the system prompt as one text, which is what most providers send; {@code systemBlocks} is the
 * same prompt as the client divided it into text blocks, each with its own prompt-cache breakpoint
 * ({@link ContentPart#cacheControl()}). {@code system} is the blocks' texts joined by
 * {@link #SYSTEM_BLOCK_SEPARATOR}. Either may be given: blocks alone fill {@code system}; a {@code system} alone is
 * one block without a breakpoint. When both are given and {@code system} is not the blocks' joined text (a filter
 * rewrote the prompt and kept the old blocks), {@code system} wins and becomes that one block, so that no provider
 * sends a prompt other than {@code system}.
 */
public record ChatRequest(
        String model,
        String system,
        List<Message> messages,
        List<ToolDefinition> tools,
        ToolChoice toolChoice,
        SamplingParameters sampling,
        List<String> stop,
        boolean stream,
        Map<String, String> metadata,
        Reasoning reasoning,
        RequestExtras extras,
        ResponseFormat responseFormat,
        List<ContentPart.Text> systemBlocks) {

    /** What joins the texts of {@link #systemBlocks()} into {@link #system()}: a blank line. */
    public static final String SYSTEM_BLOCK_SEPARATOR = "\n\n";

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        systemBlocks = systemBlocks == null ? List.of() : List.copyOf(systemBlocks);
        String joined = joined(systemBlocks);
        if (system == null && !systemBlocks.isEmpty()) {
            system = joined;
        } else if (system != null && !system.equals(joined)) {
            systemBlocks = system.isEmpty() ? List.of() : List.of(new ContentPart.Text(system));
        }
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        sampling = sampling == null ? SamplingParameters.DEFAULTS : sampling;
        stop = stop == null ? List.of() : List.copyOf(stop);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        extras = extras == null ? RequestExtras.NONE : extras;
    }

    /** A request whose system prompt is one text (the form before {@code systemBlocks} existed). */
    public ChatRequest(
            String model,
            String system,
            List<Message> messages,
            List<ToolDefinition> tools,
            ToolChoice toolChoice,
            SamplingParameters sampling,
            List<String> stop,
            boolean stream,
            Map<String, String> metadata,
            Reasoning reasoning,
            RequestExtras extras,
            ResponseFormat responseFormat) {
        this(
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
                extras,
                responseFormat,
                null);
    }

    /** A request without extras (the form before {@code extras} existed). */
    public ChatRequest(
            String model,
            String system,
            List<Message> messages,
            List<ToolDefinition> tools,
            ToolChoice toolChoice,
            SamplingParameters sampling,
            List<String> stop,
            boolean stream,
            Map<String, String> metadata,
            Reasoning reasoning) {
        this(model, system, messages, tools, toolChoice, sampling, stop, stream, metadata, reasoning, null, null);
    }

    /** A request without reasoning options (the form before {@code reasoning} existed). */
    public ChatRequest(
            String model,
            String system,
            List<Message> messages,
            List<ToolDefinition> tools,
            ToolChoice toolChoice,
            SamplingParameters sampling,
            List<String> stop,
            boolean stream,
            Map<String, String> metadata) {
        this(model, system, messages, tools, toolChoice, sampling, stop, stream, metadata, null, null, null);
    }

    /** The same request for another model, as the router does when it picks an upstream model. */
    public ChatRequest withModel(String newModel) {
        return new ChatRequest(
                newModel,
                system,
                messages,
                tools,
                toolChoice,
                sampling,
                stop,
                stream,
                metadata,
                reasoning,
                extras,
                responseFormat,
                systemBlocks);
    }

    /** The same request with other reasoning options ({@code null}: the provider's default). */
    public ChatRequest withReasoning(Reasoning newReasoning) {
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
                newReasoning,
                extras,
                responseFormat,
                systemBlocks);
    }

    /** The same request with other extras ({@code null}: none). */
    public ChatRequest withExtras(RequestExtras newExtras) {
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
                newExtras,
                responseFormat,
                systemBlocks);
    }

    /** The same request asking for another answer shape ({@code null}: free text). */
    public ChatRequest withResponseFormat(ResponseFormat newFormat) {
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
                extras,
                newFormat,
                systemBlocks);
    }

    private static String joined(List<ContentPart.Text> blocks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            if (i > 0) {
                sb.append(SYSTEM_BLOCK_SEPARATOR);
            }
            sb.append(blocks.get(i).text());
        }
        return sb.toString();
    }
}
