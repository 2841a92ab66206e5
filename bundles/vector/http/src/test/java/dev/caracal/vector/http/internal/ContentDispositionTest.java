package dev.caracal.vector.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.http.ProblemException;
import org.junit.jupiter.api.Test;

class ContentDispositionTest {

    @Test
    void theExtendedFileNameWinsOverThePlainOne() {
        assertEquals(
                "n\u00f6tes.md",
                ContentDisposition.filename("attachment; filename=a.md; filename*=UTF-8''n%C3%B6tes.md"));
        assertEquals("caf\u00e9.txt", ContentDisposition.filename("attachment; filename*=ISO-8859-1'fr'caf%E9.txt"));
    }

    @Test
    void quotedNamesMayHoldSemicolonsAndEscapedQuotes() {
        assertEquals("a; \"b\".md", ContentDisposition.filename("attachment; filename=\"a; \\\"b\\\".md\"; size=3"));
        assertEquals("notes.txt", ContentDisposition.filename("inline; creation-date; filename=notes.txt"));
        assertEquals("notes.txt", ContentDisposition.filename("attachment;FILENAME= notes.txt"));
    }

    @Test
    void noHeaderOrNoFileNameIsNoName() {
        assertNull(ContentDisposition.filename(null));
        assertNull(ContentDisposition.filename("attachment"));
        assertNull(ContentDisposition.filename("attachment; filename=\"\""));
    }

    @Test
    void malformedHeadersAreRefusedNamingTheHeader() {
        for (String bad : new String[] {
            "attachment; filename=\"open",
            "attachment; filename*=nope",
            "attachment; filename*=UTF-8''a%G1",
            "attachment; filename*=UTF-8''a%2",
            "attachment; filename*=klingon''a"
        }) {
            ProblemException e = assertThrows(ProblemException.class, () -> ContentDisposition.filename(bad), bad);
            assertEquals(400, e.problem().status());
            assertEquals("Content-Disposition", e.problem().extensions().get("field"));
            assertTrue(e.getMessage().startsWith("malformed Content-Disposition header"), e.getMessage());
        }
    }
}
