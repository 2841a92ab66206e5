package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    @Test
    void namedEventsWithData() {
        parser.text("event: message_start\ndata: {\"a\":1}\n\nevent: ping\ndata: {}\n\n");
        assertEquals(
                List.of(new SseEvent("message_start", "{\"a\":1}", null), new SseEvent("ping", "{}", null)), events);
        assertTrue(events.get(1).is("ping"));
    }

    @Test
    void multiLineDataCommentsAndCrLf() {
        parser.line(": keep-alive");
        parser.line("data: first\r");
        parser.line("data:second");
        parser.line("data:  indented");
        parser.line("");
        assertEquals(1, events.size());
        assertEquals("first\nsecond\n indented", events.get(0).data());
        assertEquals(null, events.get(0).event());
        assertTrue(events.get(0).is("message"));
    }

    @Test
    void fieldsAreMatchedWholeAndAJoinedEventDoesNotLeakIntoTheNext() {
        parser.line("data"); // a field without a colon: empty value
        parser.line("datax: not data");
        parser.line("dat: not data either");
        parser.line("data: one");
        parser.line("data:two\r");
        parser.line("");
        parser.line("event:e\r");
        parser.line("data: alone");
        parser.line("");
        assertEquals(List.of(new SseEvent(null, "\none\ntwo", null), new SseEvent("e", "alone", null)), events);
    }

    @Test
    void doneIsJustData() {
        parser.text("data: {\"x\":1}\n\ndata: [DONE]\n\n");
        assertEquals("[DONE]", events.get(1).data());
    }

    @Test
    void eventsWithoutDataAreNotDispatchedAndNamesDoNotLeak() {
        parser.text("event: lonely\n\ndata: x\n\n");
        assertEquals(List.of(new SseEvent(null, "x", null)), events);
    }

    @Test
    void anEmptyDataLineIsAnEventWithEmptyData() {
        parser.text("data\n\n");
        assertEquals(List.of(new SseEvent(null, "", null)), events);
    }

    @Test
    void idsAreRememberedAndUnknownFieldsIgnored() {
        parser.text("id: 7\nretry: 100\nfoo: bar\ndata: a\n\ndata: b\n\n");
        assertEquals("7", events.get(0).id());
        assertEquals("7", events.get(1).id());
    }

    @Test
    void finishDispatchesATrailingEvent() {
        parser.line("event: message_stop");
        parser.line("data: {}");
        assertTrue(parser.pending());
        assertTrue(events.isEmpty());
        parser.finish();
        assertEquals(List.of(new SseEvent("message_stop", "{}", null)), events);
        assertFalse(parser.pending());
        parser.finish();
        assertEquals(1, events.size());
    }
}
