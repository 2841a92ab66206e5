package dev.caracal.gateway.openai.http.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Responses stream events of a normalized stream, and the response objects they and a blocking answer carry. */
class ResponseEventStreamTest {
    static final ResponseRenderer.Header HEADER =
            new ResponseRenderer.Header("resp_1", 1700000000, "m", JsonNodeFactory.instance.objectNode());

    static List<ResponseEventStream.Event> play(ResponseEventStream s, StreamEvent... events) {
        List<ResponseEventStream.Event> out = new ArrayList<>();
        for (StreamEvent e : events) {
            out.addAll(s.on(e));
        }
        return out;
    }

    static List<String> types(List<ResponseEventStream.Event> events) {
        return events.stream().map(ResponseEventStream.Event::type).toList();
    }

    @Test
    void nothingIsSentBeforeTheFirstContentSoAnEarlyFailureCanStillBeAnHttpError() {
        ResponseEventStream s = new ResponseEventStream(HEADER, r -> null);
        assertEquals(
                List.of(),
                play(s, new StreamEvent.Start("u", "m-1"), new StreamEvent.UsageUpdate(new Usage(3, 0, 0, 0))));
        assertTrue(!s.started());
    }

    @Test
    void thinkingThenTextWithTheSignatureAndAnIncompleteEnd() {
        ResponseEventStream s = new ResponseEventStream(HEADER, r -> null);
        List<ResponseEventStream.Event> events = play(
                s,
                new StreamEvent.Start("u", "m-1"),
                new StreamEvent.ThinkingDelta(0, "Hm"),
                new StreamEvent.ThinkingDelta(0, "m."),
                new StreamEvent.ThinkingSignature(0, "sig"),
                new StreamEvent.TextDelta(1, "Hi"),
                new StreamEvent.UsageUpdate(new Usage(5, 7, 1, 0)),
                new StreamEvent.End(StopReason.MAX_TOKENS));
        assertEquals(
                List.of(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.reasoning_text.delta",
                        "response.reasoning_text.delta",
                        "response.reasoning_text.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.incomplete"),
                types(events));
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).data().path("sequence_number").asInt());
        }
        JsonNode reasoning = events.get(6).data().path("item");
        assertEquals("Hmm.", reasoning.path("content").get(0).path("text").asText());
        assertEquals("sig", reasoning.path("encrypted_content").asText());
        ObjectNode done = s.finished();
        assertEquals("incomplete", done.path("status").asText());
        assertEquals(
                "max_output_tokens",
                done.path("incomplete_details").path("reason").asText());
        assertEquals("m-1", done.path("model").asText());
        assertEquals(7, done.path("usage").path("output_tokens").asInt());
        assertEquals(
                1,
                done.path("usage")
                        .path("input_tokens_details")
                        .path("cached_tokens")
                        .asInt());
        assertEquals("incomplete", done.path("output").get(1).path("status").asText());
        assertEquals(1, events.get(7).data().path("output_index").asInt());
    }

    @Test
    void theFinishersRefusalFailsTheStreamInsteadOfCompletingIt() {
        OpenAiError error = OpenAiError.of(503, OpenAiError.SERVER, "not stored", null, "store_unavailable");
        ResponseEventStream s = new ResponseEventStream(HEADER, r -> error);
        List<ResponseEventStream.Event> events =
                play(s, new StreamEvent.TextDelta(0, "Hi"), new StreamEvent.End(StopReason.END_TURN));
        ResponseEventStream.Event last = events.get(events.size() - 1);
        assertEquals("response.failed", last.type());
        assertEquals("failed", last.data().path("response").path("status").asText());
        assertEquals(
                "server_error",
                last.data().path("response").path("error").path("code").asText());
        assertEquals(
                "not stored",
                last.data().path("response").path("error").path("message").asText());
        assertNull(s.finished());
        assertEquals(List.of(), s.on(new StreamEvent.TextDelta(0, "late")), "nothing after the end");
    }

    @Test
    void aBlockingAnswerHasTheSameItems() {
        ObjectNode r = ResponseRenderer.response(
                HEADER,
                new ChatResponse(
                        "u",
                        "",
                        List.of(
                                new ContentPart.Thinking("t", null),
                                new ContentPart.Text("a"),
                                new ContentPart.Text("b"),
                                new ContentPart.ToolUse("c1", "f", "{}"),
                                new ContentPart.RedactedThinking("opaque")),
                        StopReason.TOOL_USE,
                        new Usage(1, 2, 0, 0)));
        assertEquals("m", r.path("model").asText(), "the requested model when the upstream names none");
        assertEquals("completed", r.path("status").asText());
        JsonNode output = r.path("output");
        assertEquals(3, output.size());
        assertEquals("reasoning", output.get(0).path("type").asText());
        assertTrue(output.get(0).path("encrypted_content").isMissingNode());
        assertEquals("ab", output.get(1).path("content").get(0).path("text").asText());
        assertEquals("c1", output.get(2).path("call_id").asText());
        assertEquals(3, r.path("usage").path("total_tokens").asInt());
    }

    @Test
    void aFailureAfterTheStartIsResponseFailed() {
        ResponseEventStream s = new ResponseEventStream(HEADER, r -> null);
        play(s, new StreamEvent.TextDelta(0, "Hi"));
        List<ResponseEventStream.Event> failed = s.failed(dev.caracal.gateway.openai.http.codec.OpenAiErrors.fromLlm(
                new dev.caracal.llm.LlmException(ErrorKind.RATE_LIMITED, "slow")));
        assertEquals(List.of("response.failed"), types(failed));
        assertEquals(
                "rate_limit_exceeded",
                failed.get(0).data().path("response").path("error").path("code").asText());
    }
}
