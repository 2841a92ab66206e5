package dev.caracal.rag.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void theExtensionOfTheLastPathSegmentDecides() {
        assertEquals("text/markdown", MediaTypes.forName("notes/READ.ME.md"));
        assertEquals("text/html", MediaTypes.forName("a.htm"));
        assertEquals("application/pdf", MediaTypes.forName("papers/x.PDF"));
        assertNull(MediaTypes.forName("notes.d/README"));
        assertNull(MediaTypes.forName(".bashrc"));
        assertNull(MediaTypes.forName("trailing."));
        assertNull(MediaTypes.forName("image.png"));
    }

    @Test
    void baseTypesDropParametersAndResolveAliases() {
        assertEquals("text/plain", MediaTypes.baseType(" Text/Plain ; charset=ISO-8859-1"));
        assertEquals("text/markdown", MediaTypes.baseType("text/x-markdown"));
        assertEquals("text/html", MediaTypes.baseType("application/xhtml+xml"));
        assertNull(MediaTypes.baseType(" "));
        assertNull(MediaTypes.baseType(null));
    }

    @Test
    void theReadableTypesAreListedWithTheirExtensions() {
        assertEquals(
                "application/pdf (.pdf), text/plain (.text, .txt)",
                MediaTypes.describe(Set.of("text/plain", "application/pdf")));
        assertEquals("application/x-custom", MediaTypes.describe(Set.of("application/x-custom")));
        assertEquals("none: no document parser is installed", MediaTypes.describe(Set.of()));
    }
}
