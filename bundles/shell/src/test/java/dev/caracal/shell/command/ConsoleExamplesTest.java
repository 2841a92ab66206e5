package dev.caracal.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every example command line that Caracal shows, in a command's help or in the README, is one the console accepts as
 * printed: Karaf's parser reads it (options before arguments, the option names and types the command declares).
 * The commands come from every Caracal bundle on the class path, found as Karaf finds them; a new example that
 * cannot run fails here.
 */
class ConsoleExamplesTest {
    /** The README, from this module ({@code bundles/shell}). */
    static final Path README = Paths.get("../../README.md");

    static CommandCatalog catalog;
    static ParsingConsole console;

    @BeforeAll
    static void open() throws Exception {
        catalog = CommandCatalog.onClassPath();
        console = new ParsingConsole(catalog.commands);
    }

    @AfterAll
    static void close() {
        console.close();
    }

    @Test
    void findsTheCommandsOfEveryScope() {
        List<String> names = catalog.commandNames();
        for (String expected : List.of(
                "vector:create",
                "vector:search",
                "vector:index",
                "vector:ingest",
                "llm:chat",
                "llm:providers",
                "gateway:filters",
                "gateway:routes",
                "security:key-create",
                "security:audit",
                "caracal:status")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }

    @Test
    void everyExampleInACommandsHelpParses() {
        List<String> refused = new ArrayList<>();
        int examples = 0;
        for (Class<? extends Action> type : catalog.commands) {
            for (String example : catalog.examples(type)) {
                examples++;
                refusal(example).ifPresent(r -> refused.add(type.getSimpleName() + ": " + r));
            }
        }
        assertEquals(List.of(), refused);
        assertTrue(examples >= 8, "examples found in the commands' help: " + examples);
    }

    @Test
    void everyConsoleExampleInTheReadmeParses() throws Exception {
        List<String> examples = readmeExamples(Files.readAllLines(README, StandardCharsets.UTF_8));
        List<String> refused = new ArrayList<>();
        for (String example : examples) {
            refusal(example).ifPresent(refused::add);
        }
        assertEquals(List.of(), refused);
        assertTrue(examples.size() >= 15, "console examples found in README.md: " + examples);
    }

    /** The check has teeth: an option after the argument is what Karaf refuses. */
    @Test
    void optionsAfterTheArgumentAreRefused() throws Exception {
        CommandException e = assertThrows(
                CommandException.class, () -> console.parse("vector:create docs --embedding all-minilm-l6-v2"));
        assertEquals("Too many arguments specified", e.getMessage());
        Action create = console.parse("vector:create --embedding all-minilm-l6-v2 docs");
        assertEquals("docs", field(create, "name"));
        assertEquals("all-minilm-l6-v2", field(create, "embedding"));
        Action search = console.parse("vector:search -k 3 'time sharing systems'   # a comment is no argument");
        assertEquals("time sharing systems", field(search, "text"));
        assertEquals(3, field(search, "k"));
        assertInstanceOf(StatusCommand.class, console.parse("caracal:status --no-format"));
    }

    /** Why the console refuses {@code line}, or empty when it accepts it. */
    static java.util.Optional<String> refusal(String line) {
        try {
            Action parsed = console.parse(line);
            String name = line.trim().split("\\s+")[0];
            Command command = parsed.getClass().getAnnotation(Command.class);
            assertEquals(name, command.scope() + ":" + command.name(), line);
            return java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.of(line + " -> " + e.getMessage());
        }
    }

    /**
     * The README's console examples: each line of an indented code block that starts with a Caracal command, and the
     * command inside each {@code echo '...' | .../bin/client -b} (with {@code $PWD} as the shell would expand it).
     */
    static List<String> readmeExamples(List<String> lines) {
        Pattern piped = Pattern.compile("echo (['\"])(.*)\\1 \\| \\S*bin/client -b.*");
        List<String> examples = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("    ")) {
                continue;
            }
            String code = line.trim();
            Matcher m = piped.matcher(code);
            if (m.matches()) {
                String command = m.group(2);
                examples.add(m.group(1).equals("\"") ? command.replace("$PWD", "/home/user/caracal") : command);
            } else if (catalog.commandLine(code) != null) {
                examples.add(code);
            }
        }
        return examples;
    }

    static Object field(Action action, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = action.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(action);
    }
}
