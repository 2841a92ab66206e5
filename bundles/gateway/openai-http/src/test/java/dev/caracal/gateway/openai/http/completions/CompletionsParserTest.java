package dev.caracal.gateway.openai.http.completions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.json.Json;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.openai.http.codec.WrittenChunks;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A legacy Completions request read onto a chat call, its refusals, and its chunks. */
class CompletionsParserTest {
    static CompletionsCall parse(String body) {
        try {
            return CompletionsParser.parse(Json.mapper().readTree(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void thePromptIsTheOneUserMessage() {
        ChatRequest r = parse("""
                {"model":"m","prompt":["Say hi"],"max_tokens":7,"temperature":0.1,"top_p":0.5,"stop":["\\n"],
                 "n":1,"best_of":1,"echo":false,"suffix":"","logit_bias":{},"seed":3,"presence_penalty":0.2,
                 "frequency_penalty":0.3,"user":"u","stream":true,"stream_options":{"include_usage":true}}
                """).request();
        assertEquals(List.of(Message.user("Say hi")), r.messages());
        assertEquals(new SamplingParameters(0.1, 0.5, null, 7, 3L, 0.2, 0.3), r.sampling());
        assertEquals(List.of("\n"), r.stop());
        assertEquals("u", r.metadata().get("user"));
        assertTrue(r.stream());
        assertTrue(
                parse("{\"model\":\"m\",\"prompt\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                        .includeUsage());
    }

    @Test
    void whatAChatCallCannotDoIsRefusedNamingIt() {
        Map<String, String> cases = Map.of(
                "\"prompt\":[\"a\",\"b\"]", "prompt",
                "\"prompt\":[[1,2,3]]", "prompt[0]",
                "\"prompt\":\"x\",\"suffix\":\"after\"", "suffix",
                "\"prompt\":\"x\",\"echo\":true", "echo",
                "\"prompt\":\"x\",\"logprobs\":2", "logprobs",
                "\"prompt\":\"x\",\"best_of\":3", "best_of",
                "\"prompt\":\"x\",\"n\":2", "n",
                "\"prompt\":\"x\",\"logit_bias\":{\"50256\":-100}", "logit_bias",
                "\"prompt\":\"x\",\"extra_thing\":1", "extra_thing");
        cases.forEach((members, param) -> {
            InvalidRequestException e = assertThrows(
                    InvalidRequestException.class, () -> parse("{\"model\":\"m\"," + members + "}"), members);
            assertEquals(param, e.param(), members);
        });
        assertEquals(
                "prompt",
                assertThrows(InvalidRequestException.class, () -> parse("{\"model\":\"m\"}"))
                        .param());
    }

    @Test
    void chunksCarryTheTextThenTheFinishReasonThenTheUsage() {
        CompletionChunks chunks = new CompletionChunks("cmpl-1", 5, "m", true);
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        for (StreamEvent e : List.of(
                new StreamEvent.Start("u", "m-up"),
                new StreamEvent.ThinkingDelta(0, "hidden"),
                new StreamEvent.TextDelta(1, "Hi"),
                new StreamEvent.UsageUpdate(new Usage(2, 1, 0, 0)),
                new StreamEvent.End(StopReason.END_TURN))) {
            out.addAll(WrittenChunks.of(sink -> chunks.on(e, sink)));
        }
        assertEquals(3, out.size());
        assertEquals("Hi", out.get(0).path("choices").get(0).path("text").asText());
        assertTrue(out.get(0).path("choices").get(0).path("finish_reason").isNull());
        assertEquals("m-up", out.get(0).path("model").asText());
        assertEquals("text_completion", out.get(0).path("object").asText());
        assertEquals(
                "stop", out.get(1).path("choices").get(0).path("finish_reason").asText());
        assertEquals(0, out.get(2).path("choices").size());
        assertEquals(3, out.get(2).path("usage").path("total_tokens").asInt());
    }
}
