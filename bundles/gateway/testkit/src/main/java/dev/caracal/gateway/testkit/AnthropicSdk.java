package dev.caracal.gateway.testkit;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the tests that drive the gateway with the official Anthropic SDK share (the ingress's end-to-end test and the
 * distribution's): a stream collected event by event, and the text of a message.
 */
public final class AnthropicSdk {
    private AnthropicSdk() {}

    /** A streamed message: every event in the order it came, and what the SDK's accumulator made of them. */
    public record Streamed(List<RawMessageStreamEvent> events, Message message) {}

    /** Streams {@code params} through {@code client} to the end. */
    public static Streamed stream(AnthropicClient client, MessageCreateParams params) {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                events.add(event);
                accumulator.accumulate(event);
            });
        }
        return new Streamed(events, accumulator.message());
    }

    /** The text of {@code message}: its text blocks, joined. */
    public static String text(Message message) {
        return message.content().stream()
                .filter(ContentBlock::isText)
                .map(block -> block.asText().text())
                .collect(Collectors.joining());
    }
}
