package dev.caracal.vector.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConsolePathsTest {
    final Path current = Path.of("/opt/caracal");
    final Path home = Path.of("/home/ada");

    Path resolve(String typed) {
        return ConsolePaths.resolve(typed, current, home);
    }

    @Test
    void tildeIsTheHomeDirectory() {
        assertEquals(home, resolve("~"));
        assertEquals(Path.of("/home/ada/docs/papers"), resolve("~/docs/papers"));
        assertEquals(Path.of("/home/ada/docs"), resolve("~/docs/"));
    }

    @Test
    void aRelativePathStartsAtTheCurrentDirectory() {
        assertEquals(Path.of("/opt/caracal/docs"), resolve("docs"));
        assertEquals(Path.of("/opt/caracal/docs"), resolve("./docs"));
        assertEquals(Path.of("/opt/papers"), resolve("../papers"));
        assertEquals(current, resolve("."));
    }

    @Test
    void anAbsolutePathIsTakenAsItIsNormalized() {
        assertEquals(Path.of("/data/docs"), resolve("/data/./x/../docs"));
        assertEquals(Path.of("/data/~old"), resolve("/data/~old"), "a tilde inside a path is an ordinary character");
    }

    @Test
    void otherUsersHomesAndBlankPathsAreRefusedSayingWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve("~bob/docs"));
        assertTrue(e.getMessage().contains("only ~ and ~/... are expanded")
                && e.getMessage().contains("full path"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> resolve(" "))
                .getMessage()
                .contains("give a file or folder"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> resolve("a\u0000b"))
                .getMessage()
                .contains("is not a valid path"));
    }

    @Test
    void onlyPathsThatStartAtTheCurrentDirectoryAreRelative() {
        assertTrue(ConsolePaths.isRelative("docs"));
        assertTrue(ConsolePaths.isRelative("../docs"));
        assertFalse(ConsolePaths.isRelative("/docs"));
        assertFalse(ConsolePaths.isRelative("~/docs"));
    }
}
