package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Inside messages, a member the parser does not read is refused by its path, never ignored. */
class MessageMembersTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{'role':'user','content':'hi','mood':'happy'} | messages[0].mood",
                "{'role':'user','content':[{'type':'text','text':'hi','lang':'en'}]} | messages[0].content[0].lang",
                "{'role':'user','content':[{'type':'image_url','image_url':{'url':'https://e.org/a.png','fit':'x'}}]}"
                        + " | messages[0].content[0].image_url.fit",
                "{'role':'system','content':'be brief','priority':1} | messages[0].priority",
                "{'role':'user','content':'hi','tool_call_id':'c1'} | messages[0].tool_call_id"
            })
    void anUnknownMemberIsRefusedByPath(String message, String param) {
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> parse("{'model':'m','messages':[" + message + ",{'role':'user','content':'x'}]}"));
        assertEquals(param, e.param(), e.getMessage());
        assertEquals("unknown_parameter", e.code());
        assertTrue(e.getMessage().contains("will not drop it"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'tools':[{'type':'function','function':{'name':'f'},'priority':1}] | tools[0].priority",
                "'tools':[{'type':'function','function':{'name':'f','examples':[]}}] | tools[0].function.examples",
                "'messages':[{'role':'user','content':'hi'},{'role':'assistant','tool_calls':[{'id':'c','type':"
                        + "'function','function':{'name':'f','arguments':'{}'},'extra':1}]}] | messages[1].tool_calls[0].extra",
                "'messages':[{'role':'user','content':'hi'},{'role':'assistant','tool_calls':[{'id':'c','type':"
                        + "'function','function':{'name':'f','arguments':'{}','x':1}}]}] | messages[1].tool_calls[0].function.x"
            })
    void anUnknownMemberOfAToolOrToolCallIsRefusedByPath(String members, String param) {
        String body = members.startsWith("'tools'")
                ? "{'model':'m','messages':[{'role':'user','content':'hi'}]," + members + "}"
                : "{'model':'m'," + members + "}";
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parse(body));
        assertEquals(param, e.param(), e.getMessage());
    }

    @Test
    void anAnswerEchoedBackAsItCameIsAccepted() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'hi','extra':null},"
                        + "{'role':'assistant','content':'Hello.','refusal':null,'annotations':[],'audio':null,"
                        + "'function_call':null,'tool_calls':null},{'role':'user','content':'again'}]}")
                .request();
        assertEquals("Hello.", r.messages().get(1).text());
    }

    @Test
    void anEchoedRefusalIsWhatTheAssistantSaid() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'user','content':'hi'},"
                        + "{'role':'assistant','content':null,'refusal':'I cannot help with that.'},"
                        + "{'role':'user','content':'why?'}]}")
                .request();
        assertEquals("I cannot help with that.", r.messages().get(1).text());
    }

    @Test
    void audioAndAnnotationsOfAnEarlierAnswerAreRefused() {
        assertEquals(
                "messages[1].audio",
                assertThrows(
                                InvalidRequestException.class,
                                () -> parse("{'model':'m','messages':[{'role':'user','content':'hi'},"
                                        + "{'role':'assistant','content':'x','audio':{'id':'audio_1'}}]}"))
                        .param());
        assertEquals(
                "messages[1].annotations",
                assertThrows(
                                InvalidRequestException.class,
                                () -> parse(
                                        "{'model':'m','messages':[{'role':'user','content':'hi'},"
                                                + "{'role':'assistant','content':'x','annotations':[{'type':'url_citation'}]}]}"))
                        .param());
    }

    @Test
    void aMessageLevelCacheControlMarksItsLastPart() {
        ChatRequest r = parse("{'model':'m','messages':[{'role':'system','content':'be brief',"
                        + "'cache_control':{'type':'ephemeral'}},{'role':'user','content':[{'type':'text','text':'a'},"
                        + "{'type':'text','text':'b'}],'cache_control':{'type':'ephemeral'}},"
                        + "{'role':'user','content':[{'type':'text','text':'c','cache_control':{'type':'ephemeral','ttl':'1h'}}],"
                        + "'cache_control':{'type':'ephemeral'}}]}")
                .request();
        CacheControl ephemeral = new CacheControl("{\"type\":\"ephemeral\"}");
        assertEquals(ephemeral, r.systemBlocks().get(0).cacheControl());
        List<ContentPart> user = r.messages().get(0).content();
        assertNull(user.get(0).cacheControl());
        assertEquals(ephemeral, user.get(1).cacheControl());
        assertEquals(
                new CacheControl("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"),
                r.messages().get(1).content().get(0).cacheControl(),
                "the part's own marker is kept");
    }
}
