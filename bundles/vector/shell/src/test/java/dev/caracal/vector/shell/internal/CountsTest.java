package dev.caracal.vector.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountsTest {

    @Test
    void oneIsSingularEverythingElsePlural() {
        assertEquals("0 files", Counts.of(0, "file"));
        assertEquals("1 file", Counts.of(1, "file"));
        assertEquals("2 files", Counts.of(2, "file"));
        assertEquals("1 chunk", Counts.of(1, "chunk"));
        assertEquals("3204 chunks", Counts.of(3204, "chunk"));
        assertEquals("2 indexes", Counts.of(2, "index", "indexes"));
        assertEquals("1 index", Counts.of(1, "index", "indexes"));
    }
}
