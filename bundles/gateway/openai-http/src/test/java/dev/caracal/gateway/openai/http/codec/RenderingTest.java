package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.json;
import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Responses and chunks compared as JSON trees with what OpenAI sends. */
class RenderingTest {

    static final String USAGE = "{'prompt_tokens':12,'completion_tokens':5,'total_tokens':17,"
            + "'prompt_tokens_details':{'cached_tokens':4,'audio_tokens':0},"
            + "'completion_tokens_details':{'reasoning_tokens':0,'audio_tokens':0,'accepted_prediction_tokens':0,"
            + "'rejected_prediction_tokens':0}}";

    /**
     * The completion {@code chatcmpl-abc}, created at 1700000000, rendered for a request of {@code gpt-4o} from an
     * upstream answer (of {@code upstreamModel}, null when the upstream named none) that used the tokens of
     * {@link #USAGE}.
     */
    static ObjectNode completion(String upstreamModel, StopReason stop, List<ContentPart> content) {
        ChatResponse r = new ChatResponse("up-1", upstreamModel, content, stop, new Usage(12, 5, 4, 0));
        return ChatCompletionRenderer.completion("chatcmpl-abc", 1700000000L, "gpt-4o", r);
    }

    @Test
    void textCompletion() {
        ObjectNode out = completion(
                "gpt-4o-2024-08-06",
                StopReason.END_TURN,
                List.of(new ContentPart.Text("Hello "), new ContentPart.Text("there.")));
        assertEquals(
                json("{'id':'chatcmpl-abc','object':'chat.completion','created':1700000000,"
                        + "'model':'gpt-4o-2024-08-06','choices':[{'index':0,'message':{'role':'assistant',"
                        + "'content':'Hello there.','refusal':null,'annotations':[]},'logprobs':null,'finish_reason':'stop'}],"
                        + "'usage':" + USAGE + ",'system_fingerprint':null}"),
                wire(out));
    }

    @Test
    void toolCallCompletionHasNullContent() {
        ObjectNode out = completion(
                null,
                StopReason.TOOL_USE,
                List.of(
                        new ContentPart.ToolUse("call_1", "weather", "{\"city\":\"Paris\"}"),
                        new ContentPart.ToolUse("call_2", "time", "{}")));
        assertEquals(
                json("{'id':'chatcmpl-abc','object':'chat.completion','created':1700000000,'model':'gpt-4o',"
                        + "'choices':[{'index':0,'message':{'role':'assistant','content':null,'refusal':null,"
                        + "'tool_calls':[{'id':'call_1','type':'function','function':{'name':'weather',"
                        + "'arguments':'{\\'city\\':\\'Paris\\'}'}},{'id':'call_2','type':'function',"
                        + "'function':{'name':'time','arguments':'{}'}}],'annotations':[]},"
                        + "'logprobs':null,'finish_reason':'tool_calls'}],'usage':" + USAGE
                        + ",'system_fingerprint':null}"),
                wire(out));
    }

    @Test
    void thinkingBecomesReasoningContentAndRedactedThinkingIsLeftOut() {
        ObjectNode out = completion(
                "deepseek-reasoner",
                StopReason.END_TURN,
                List.of(
                        new ContentPart.Thinking("Paris is ", "sig-1"), new ContentPart.RedactedThinking("opaque"),
                        new ContentPart.Thinking("the capital.", null), new ContentPart.Text("Paris.")));
        assertEquals(
                json("{'id':'chatcmpl-abc','object':'chat.completion','created':1700000000,'model':'deepseek-reasoner',"
                        + "'choices':[{'index':0,'message':{'role':'assistant','content':'Paris.',"
                        + "'reasoning_content':'Paris is the capital.','refusal':null,'annotations':[]},"
                        + "'logprobs':null,'finish_reason':'stop'}],'usage':" + USAGE + ",'system_fingerprint':null}"),
                wire(out));
        assertFalse(out.toString().contains("opaque"), out.toString());
    }

    @Test
    void thinkingBeforeToolCallsKeepsNullContent() {
        JsonNode message = wire(completion(
                        null,
                        StopReason.TOOL_USE,
                        List.of(
                                new ContentPart.Thinking("Need weather.", null),
                                new ContentPart.ToolUse("call_1", "weather", "{}"))))
                .at("/choices/0/message");
        assertTrue(message.get("content").isNull());
        assertEquals("Need weather.", message.get("reasoning_content").textValue());
        assertEquals("call_1", message.at("/tool_calls/0/id").textValue());
    }

    @Test
    void answersWithoutThinkingTextHaveNoReasoningContentField() {
        for (List<ContentPart> content : List.<List<ContentPart>>of(
                List.of(new ContentPart.Text("Hi.")),
                List.of(new ContentPart.RedactedThinking("opaque"), new ContentPart.Text("Hi.")),
                List.of(new ContentPart.Thinking("", "sig"), new ContentPart.Text("Hi.")))) {
            ObjectNode out = completion(null, StopReason.END_TURN, content);
            assertEquals(
                    "{\"id\":\"chatcmpl-abc\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o\","
                            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi.\","
                            + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,"
                            + "\"prompt_tokens_details\":{\"cached_tokens\":4,\"audio_tokens\":0},"
                            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                            + "\"system_fingerprint\":null}",
                    out.toString(),
                    content.toString());
        }
    }

    @Test
    void emptyAnswerHasEmptyStringContent() {
        ObjectNode out = ChatCompletionRenderer.completion(
                "id", 1L, "m", new ChatResponse("x", "m", List.of(), StopReason.MAX_TOKENS, null));
        assertEquals("", out.at("/choices/0/message/content").textValue());
        assertEquals("length", out.at("/choices/0/finish_reason").textValue());
    }

    @Test
    void finishReasons() {
        assertEquals("stop", ChatCompletionRenderer.finishReason(StopReason.END_TURN));
        assertEquals("stop", ChatCompletionRenderer.finishReason(StopReason.STOP_SEQUENCE));
        assertEquals("length", ChatCompletionRenderer.finishReason(StopReason.MAX_TOKENS));
        assertEquals("tool_calls", ChatCompletionRenderer.finishReason(StopReason.TOOL_USE));
        assertEquals("content_filter", ChatCompletionRenderer.finishReason(StopReason.CONTENT_FILTER));
        assertEquals("stop", ChatCompletionRenderer.finishReason(StopReason.ERROR));
    }

    static String chunk(String model, String delta, String finish, boolean usageNull) {
        return "{'id':'chatcmpl-s','object':'chat.completion.chunk','created':7,'model':'" + model + "',"
                + "'system_fingerprint':null,'choices':[{'index':0,'delta':" + delta + ",'logprobs':null,"
                + "'finish_reason':" + (finish == null ? "null" : "'" + finish + "'") + "}]"
                + (usageNull ? ",'usage':null" : "") + "}";
    }

    /**
     * The chunks of a whole stream as OpenAI sends them: the role chunk first, one chunk for each of {@code deltas},
     * and the chunk that says why it ended.
     */
    static List<JsonNode> stream(String model, String finish, boolean usageNull, String... deltas) {
        List<JsonNode> out = new ArrayList<>();
        out.add(json(chunk(model, ROLE, null, usageNull)));
        for (String delta : deltas) {
            out.add(json(chunk(model, delta, null, usageNull)));
        }
        out.add(json(chunk(model, "{}", finish, usageNull)));
        return out;
    }

    /** The first chunk's delta. */
    static final String ROLE = "{'role':'assistant','content':'','refusal':null}";

    static List<JsonNode> run(ChunkStream s, StreamEvent... events) {
        List<JsonNode> out = new ArrayList<>();
        for (StreamEvent e : events) {
            out.addAll(WrittenChunks.on(s, e));
        }
        return out;
    }

    @Test
    void textStreamWithUsage() {
        ChunkStream s = new ChunkStream("chatcmpl-s", 7, "gpt-4o", true);
        assertTrue(
                WrittenChunks.on(s, new StreamEvent.Start("up", "gpt-4o-mini")).isEmpty());
        assertFalse(s.started());
        List<JsonNode> out = run(
                s,
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.UsageUpdate(new Usage(12, 1, 4, 0)),
                new StreamEvent.UsageUpdate(new Usage(0, 5, 0, 0)),
                new StreamEvent.End(StopReason.END_TURN),
                new StreamEvent.TextDelta(0, "ignored"));
        assertTrue(s.started());
        List<JsonNode> expected =
                new ArrayList<>(stream("gpt-4o-mini", "stop", true, "{'content':'Hel'}", "{'content':'lo'}"));
        expected.add(json("{'id':'chatcmpl-s','object':'chat.completion.chunk','created':7,'model':'gpt-4o-mini',"
                + "'system_fingerprint':null,'choices':[],'usage':" + USAGE + "}"));
        assertEquals(expected, out);
    }

    @Test
    void toolCallStreamIsIndexedAmongToolCalls() {
        ChunkStream s = new ChunkStream("chatcmpl-s", 7, "m", false);
        List<JsonNode> out = run(
                s,
                new StreamEvent.Start("up", null),
                new StreamEvent.TextDelta(0, "Checking."),
                new StreamEvent.ToolCallDelta(1, "call_a", "weather", null),
                new StreamEvent.ToolCallDelta(1, null, null, "{\"city\":"),
                new StreamEvent.ToolCallDelta(2, "call_b", "time", "{}"),
                new StreamEvent.ToolCallDelta(1, "call_a", "weather", "\"Paris\"}"),
                new StreamEvent.End(StopReason.TOOL_USE));
        List<JsonNode> expected = stream(
                "m",
                "tool_calls",
                false,
                "{'content':'Checking.'}",
                "{'tool_calls':[{'index':0,'id':'call_a','type':'function','function':{'name':'weather','arguments':''}}]}",
                "{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\':'}}]}",
                "{'tool_calls':[{'index':1,'id':'call_b','type':'function','function':{'name':'time','arguments':'{}'}}]}",
                "{'tool_calls':[{'index':0,'function':{'arguments':'\\'Paris\\'}'}}]}");
        assertEquals(expected, out);
    }

    @Test
    void thinkingStreamsAsReasoningContentAndSignaturesAndRedactedThinkingProduceNothing() {
        ChunkStream s = new ChunkStream("chatcmpl-s", 7, "m", true);
        List<JsonNode> out = run(
                s,
                new StreamEvent.Start("up", null),
                new StreamEvent.ThinkingDelta(0, "Paris is "),
                new StreamEvent.ThinkingDelta(0, ""),
                new StreamEvent.ThinkingDelta(0, "the capital."),
                new StreamEvent.ThinkingSignature(0, "sig-1"),
                new StreamEvent.RedactedThinking(1, "opaque"),
                new StreamEvent.TextDelta(2, "Paris."),
                new StreamEvent.ToolCallDelta(3, "call_a", "weather", "{}"),
                new StreamEvent.End(StopReason.TOOL_USE));
        List<JsonNode> expected = new ArrayList<>(
                stream(
                        "m",
                        "tool_calls",
                        true,
                        "{'reasoning_content':'Paris is '}",
                        "{'reasoning_content':'the capital.'}",
                        "{'content':'Paris.'}",
                        "{'tool_calls':[{'index':0,'id':'call_a','type':'function','function':{'name':'weather','arguments':'{}'}}]}"));
        expected.add(json("{'id':'chatcmpl-s','object':'chat.completion.chunk','created':7,'model':'m',"
                + "'system_fingerprint':null,'choices':[],'usage':{'prompt_tokens':0,'completion_tokens':0,"
                + "'total_tokens':0,'prompt_tokens_details':{'cached_tokens':0,'audio_tokens':0},"
                + "'completion_tokens_details':{'reasoning_tokens':0,'audio_tokens':0,"
                + "'accepted_prediction_tokens':0,'rejected_prediction_tokens':0}}}"));
        assertEquals(expected, out);
    }

    @Test
    void signaturesAndRedactedThinkingAloneDoNotStartTheStream() {
        ChunkStream s = new ChunkStream("chatcmpl-s", 7, "m", false);
        assertTrue(WrittenChunks.on(s, new StreamEvent.RedactedThinking(0, "opaque"))
                .isEmpty());
        assertTrue(
                WrittenChunks.on(s, new StreamEvent.ThinkingSignature(1, "sig")).isEmpty());
        assertFalse(s.started());
        assertEquals(
                List.of(
                        json(chunk("m", ROLE, null, false)),
                        json(chunk("m", "{'reasoning_content':'hm'}", null, false))),
                run(s, new StreamEvent.ThinkingDelta(2, "hm")));
        assertTrue(s.started());
    }

    @Test
    void endWithoutContentStillSendsTheRoleChunkAndErrorsProduceNoChunks() {
        ChunkStream s = new ChunkStream("chatcmpl-s", 7, "m", false);
        assertTrue(WrittenChunks.on(s, new StreamEvent.Error(new LlmException(ErrorKind.UPSTREAM, "x")))
                .isEmpty());
        List<JsonNode> out = run(s, new StreamEvent.End(StopReason.MAX_TOKENS));
        assertEquals(stream("m", "length", false), out);
    }

    @Test
    void modelsList() {
        var models = List.of(
                new dev.caracal.llm.ModelInfo("gpt-4o", "openai-main", null),
                new dev.caracal.llm.ModelInfo("claude", "anthropic", null),
                new dev.caracal.llm.ModelInfo("gpt-4o", "openai-backup", null));
        assertEquals(
                json(
                        "{'object':'list','data':[{'id':'gpt-4o','object':'model','created':0,"
                                + "'owned_by':'openai-main'},{'id':'claude','object':'model','created':0,'owned_by':'anthropic'}]}"),
                wire(ModelsCodec.list(models)));
    }
}
