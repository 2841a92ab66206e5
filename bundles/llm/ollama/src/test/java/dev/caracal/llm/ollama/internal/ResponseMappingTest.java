package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Decoding of Ollama answers (the parts aimock cannot serve: token counts, done_reason, tool-call ids, multi-input
 * embeddings, /api/show) and the configuration parsing.
 */
class ResponseMappingTest {

    private static JsonNode tree(String json) {
        return Json.tryParse(json.replace('\'', '"'));
    }

    @Test
    void aWholeAnswerWithUsageAndStopReason() {
        ChatResponse r = ResponseMapper.toResponse(
                tree(
                        "{'model':'llama3.2:3b','message':{'role':'assistant',"
                                + "'content':'Blue.'},'done':true,'done_reason':'length','prompt_eval_count':26,'eval_count':3}"),
                "llama3.2",
                "id-1");
        assertEquals("id-1", r.id());
        assertEquals("llama3.2:3b", r.model());
        assertEquals("Blue.", r.text());
        assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(new Usage(26, 3, 0, 0), r.usage());
    }

    @Test
    void thinkingComesFirstAsAThinkingPartWithoutSignature() {
        ChatResponse r = ResponseMapper.toResponse(
                tree(
                        "{'model':'qwen3','message':{'role':'assistant',"
                                + "'content':'Blue.','thinking':'Rayleigh scattering favours short wavelengths.'},'done':true}"),
                "qwen3",
                "x");
        assertEquals(
                List.of(
                        new ContentPart.Thinking("Rayleigh scattering favours short wavelengths.", null),
                        new ContentPart.Text("Blue.")),
                r.content());
        assertEquals("Blue.", r.text(), "the text leaves the thinking out");

        ChatResponse withCall = ResponseMapper.toResponse(
                tree("{'message':{'role':'assistant','content':'',"
                        + "'thinking':'Need the tool.','tool_calls':[{'id':'c1','function':{'name':'f','arguments':{}}}]},"
                        + "'done':true}"),
                "qwen3",
                "x");
        assertEquals(
                List.of(new ContentPart.Thinking("Need the tool.", null), new ContentPart.ToolUse("c1", "f", "{}")),
                withCall.content());
        assertEquals(StopReason.TOOL_USE, withCall.stopReason());

        ChatResponse empty = ResponseMapper.toResponse(
                tree("{'message':{'role':'assistant','content':'Hi'," + "'thinking':''},'done':true}"), "qwen3", "x");
        assertEquals(List.of(new ContentPart.Text("Hi")), empty.content(), "empty thinking is no part");
    }

    @Test
    void reasoningContentIsReadWhenThereIsNoThinkingField() {
        ChatResponse r = ResponseMapper.toResponse(
                tree("{'message':{'role':'assistant','content':'Hi',"
                        + "'reasoning_content':'Greet back.'},'done':true}"),
                "m",
                "x");
        assertEquals(List.of(new ContentPart.Thinking("Greet back.", null), new ContentPart.Text("Hi")), r.content());
        assertEquals(
                "native",
                ResponseMapper.thinkingOf(tree("{'thinking':'native','reasoning_content':'other'}")),
                "Ollama's own field wins");
        assertEquals(null, ResponseMapper.thinkingOf(tree("{'content':'x'}")));
    }

    @Test
    void toolCallsWithoutIdsGetStableIdsAndEndInToolUse() {
        String answer = "{'model':'qwen3','message':{'role':'assistant','content':'','tool_calls':["
                + "{'function':{'name':'get_weather','arguments':{'city':'Paris'}}},"
                + "{'function':{'name':'get_weather','arguments':{'city':'Paris'}}}]},'done':true,'done_reason':'stop'}";
        ChatResponse first = ResponseMapper.toResponse(tree(answer), "qwen3", "a");
        ChatResponse again = ResponseMapper.toResponse(tree(answer), "qwen3", "b");
        assertEquals(StopReason.TOOL_USE, first.stopReason());
        ContentPart.ToolUse one = (ContentPart.ToolUse) first.content().get(0);
        ContentPart.ToolUse two = (ContentPart.ToolUse) first.content().get(1);
        assertEquals("get_weather", one.name());
        assertEquals(tree("{'city':'Paris'}"), Json.tryParse(one.argumentsJson()));
        assertTrue(one.id().matches("call_[0-9a-f]{24}"), one.id());
        assertNotEquals(one.id(), two.id(), "two identical calls in one answer");
        assertEquals(first.content(), again.content(), "the same answer gets the same ids");
    }

    @Test
    void toolCallIdsFromTheServerAreKept() {
        ChatResponse r = ResponseMapper.toResponse(
                tree(
                        "{'message':{'role':'assistant','content':'',"
                                + "'tool_calls':[{'id':'call_abc','function':{'index':0,'name':'f','arguments':{}}}]},'done':true}"),
                "m",
                "x");
        assertEquals("call_abc", ((ContentPart.ToolUse) r.content().get(0)).id());
        assertEquals("m", r.model(), "no model in the answer: the requested one");
    }

    @Test
    void stopReasons() {
        assertEquals(StopReason.END_TURN, ResponseMapper.stopReason("stop", false));
        assertEquals(StopReason.END_TURN, ResponseMapper.stopReason(null, false));
        assertEquals(StopReason.END_TURN, ResponseMapper.stopReason("unload", false));
        assertEquals(StopReason.MAX_TOKENS, ResponseMapper.stopReason("length", true));
        assertEquals(StopReason.TOOL_USE, ResponseMapper.stopReason("stop", true));
    }

    @Test
    void answersThatAreNotChatAnswers() {
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(
                                LlmException.class,
                                () -> ResponseMapper.toResponse(tree("{'error':'model crashed'}"), "m", "x"))
                        .kind());
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> ResponseMapper.toResponse(tree("{'done':true}"), "m", "x"))
                        .kind());
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> ResponseMapper.toResponse(tree("[1]"), "m", "x"))
                        .kind());
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(
                                LlmException.class,
                                () -> ResponseMapper.toResponse(
                                        tree("{'message':{'tool_calls':[{'function':{'arguments':{}}}]}}"), "m", "x"))
                        .kind());
    }

    @Test
    void errorTextInBothEnvelopes() {
        assertEquals("boom", ResponseMapper.errorText(tree("{'error':'boom'}")));
        assertEquals("boom", ResponseMapper.errorText(tree("{'error':{'message':'boom','type':'x'}}")));
        assertEquals(null, ResponseMapper.errorText(tree("{'model':'m'}")));
    }

    @Test
    void errorKindsByStatusAndMessage() {
        assertEquals(ErrorKind.NOT_FOUND, OllamaErrors.kindOf(404, "model 'x' not found"));
        assertEquals(ErrorKind.INVALID_REQUEST, OllamaErrors.kindOf(400, "invalid options"));
        assertEquals(ErrorKind.CONTEXT_LENGTH, OllamaErrors.kindOf(400, "input exceeds the maximum context length"));
        assertEquals(ErrorKind.AUTHENTICATION, OllamaErrors.kindOf(401, null));
        assertEquals(ErrorKind.PERMISSION, OllamaErrors.kindOf(403, null));
        assertEquals(ErrorKind.RATE_LIMITED, OllamaErrors.kindOf(429, null));
        assertEquals(ErrorKind.OVERLOADED, OllamaErrors.kindOf(503, "server busy, please try again"));
        assertEquals(ErrorKind.UPSTREAM, OllamaErrors.kindOf(500, "llama runner process has terminated"));
    }

    private static OllamaEmbeddingModel embedder(int dimensions) {
        OllamaChatModel client = new OllamaChatModel(OllamaUnderTest.settings("http://127.0.0.1:9"));
        return new OllamaEmbeddingModel(client, new Settings.EmbeddingSpec("nomic-embed-text", dimensions));
    }

    @Test
    void embeddingsInInputOrderScaledToUnitLength() {
        OllamaEmbeddingModel model = embedder(0);
        assertEquals(0, model.knownDimension());
        Embeddings e = model.decode(
                tree("{'model':'nomic-embed-text','embeddings':[[3,4],[0,2],[0,0]]," + "'prompt_eval_count':9}"), 3);
        assertArrayEquals(new float[] {0.6f, 0.8f}, e.vectors().get(0), 1e-6f);
        assertArrayEquals(new float[] {0f, 1f}, e.vectors().get(1), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f}, e.vectors().get(2), 0f);
        assertEquals(9, e.inputTokens());
        assertEquals(2, model.knownDimension(), "learnt from the first answer");
        assertEquals(2, model.dimension());
    }

    @Test
    void embeddingAnswersThatDoNotFit() {
        OllamaEmbeddingModel model = embedder(3);
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> model.decode(tree("{'embeddings':[[1,0]]}"), 1))
                        .kind(),
                "wrong size");
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> model.decode(tree("{'embeddings':[[1,0,0]]}"), 2))
                        .kind(),
                "too few vectors");
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> model.decode(tree("{'embeddings':[['a',0,0]]}"), 1))
                        .kind(),
                "not numbers");
        assertEquals(
                ErrorKind.UPSTREAM,
                assertThrows(LlmException.class, () -> model.decode(tree("{'data':[]}"), 1))
                        .kind(),
                "not the shape");
        assertEquals(
                3,
                model.decode(tree("{'embedding':[0,0,1]}"), 1).vectors().get(0).length,
                "the single-vector shape for one input");
    }

    @Test
    void capabilitiesFromShowAndFromNames() {
        Capabilities shown = ModelCatalog.fromShow(
                tree("{'capabilities':['completion','tools','vision'],"
                        + "'model_info':{'general.architecture':'gemma3','gemma3.context_length':131072}}"),
                "gemma3",
                null);
        assertEquals(new Capabilities(true, true, true, false, true, 131072), shown);
        Capabilities embedding = ModelCatalog.fromShow(
                tree("{'capabilities':['embedding'],"
                        + "'model_info':{'general.architecture':'nomic-bert','nomic-bert.context_length':2048}}"),
                "nomic-embed-text",
                null);
        assertEquals(new Capabilities(false, false, false, true, false, 2048), embedding);
        assertTrue(ModelCatalog.guess("nomic-embed-text:latest", null).embeddings());
        assertTrue(ModelCatalog.guess("all-minilm", tree("{'family':'bert'}")).embeddings());
        assertTrue(ModelCatalog.guess("llava:7b", tree("{'family':'llama','families':['llama','clip']}"))
                .vision());
        Capabilities chat = ModelCatalog.guess("llama3.2", tree("{'family':'llama'}"));
        assertTrue(chat.streaming() && chat.tools() && chat.jsonOutput());
        assertFalse(chat.vision() || chat.embeddings());
    }

    @Test
    void settingsParsing() {
        assertEquals(
                List.of(
                        new Settings.EmbeddingSpec("nomic-embed-text", 768),
                        new Settings.EmbeddingSpec("qwen3-embedding:0.6b", 1024),
                        new Settings.EmbeddingSpec("bge-m3:latest", 0),
                        new Settings.EmbeddingSpec("mxbai-embed-large", 0)),
                Settings.parseEmbeddingModels(
                        " nomic-embed-text:768, qwen3-embedding:0.6b:1024,bge-m3:latest," + "mxbai-embed-large ,"));
        Settings s = Settings.from(OllamaUnderTest.config(Map.of("id", "x", "baseUrl", "http://gpu-box:11434/api/")));
        assertEquals("http://gpu-box:11434", s.baseUrl().toString(), "trailing /api and slashes are dropped");
        assertEquals(
                "http://localhost:11434",
                Settings.from(OllamaUnderTest.config(Map.of("id", "x")))
                        .baseUrl()
                        .toString());
        assertEquals(
                "5m",
                Settings.from(OllamaUnderTest.config(Map.of("id", "x", "keepAlive", " 5m ")))
                        .keepAlive());
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.from(OllamaUnderTest.config(Map.of("id", "x", "keepAlive", "forever"))));
        assertThrows(
                IllegalArgumentException.class,
                () -> Settings.from(OllamaUnderTest.config(Map.of("id", "x", "baseUrl", "ftp://h"))));
        assertThrows(IllegalArgumentException.class, () -> Settings.from(OllamaUnderTest.config(Map.of("id", "a b"))));
    }
}
