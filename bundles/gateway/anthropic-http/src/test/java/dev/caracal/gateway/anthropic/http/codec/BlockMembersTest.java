package dev.caracal.gateway.anthropic.http.codec;

import static dev.caracal.gateway.anthropic.http.codec.Trees.obj;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Inside messages, blocks and tools, a member the reader does not read is refused by path, as Anthropic refuses it. */
class BlockMembersTest {

    private static void read(String members) {
        MessagesRequestReader.read(obj("{'model':'m','max_tokens':100," + members + "}"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'messages':[{'role':'user','content':'hi','mood':'x'}] | messages.0.mood",
                "'messages':[{'role':'user','content':[{'type':'text','text':'hi','lang':'en'}]}] | messages.0.content.0.lang",
                "'messages':[{'role':'user','content':[{'type':'image','source':{'type':'url','url':'https://e.org/a.png','w':1}}]}]"
                        + " | messages.0.content.0.source.w",
                "'messages':[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':'x','extra':1}]}]"
                        + " | messages.0.content.0.extra",
                "'messages':[{'role':'user','content':'hi'}],'system':[{'type':'text','text':'s','x':1}] | system.0.x",
                "'messages':[{'role':'user','content':'hi'}],'tools':[{'name':'f','input_schema':{'type':'object'},'x':1}]"
                        + " | tools.0.x",
                "'messages':[{'role':'user','content':'hi'}],'tools':[{'name':'f','input_schema':{'type':'object'}}],"
                        + "'tool_choice':{'type':'auto','x':1} | tool_choice.x",
                "'messages':[{'role':'user','content':[{'type':'text','text':'hi','citations':[{'type':'char_location'}]}]}]"
                        + " | messages.0.content.0.citations"
            })
    void anUnknownMemberIsRefusedByPath(String members, String path) {
        AnthropicError e = assertThrows(AnthropicError.class, () -> read(members));
        assertEquals(400, e.status());
        assertEquals(path, e.getMessage().substring(0, e.getMessage().indexOf(':')), e.getMessage());
    }

    @Test
    void nullsAndEmptyCitationsPass() {
        assertDoesNotThrow(() -> read("'messages':[{'role':'user','content':[{'type':'text','text':'hi',"
                + "'citations':[],'extra':null}]}]"));
    }
}
