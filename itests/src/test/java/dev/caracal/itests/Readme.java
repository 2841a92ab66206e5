package dev.caracal.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's shell examples as printed, read at test time so that the README cannot drift from what works: the
 * {@code curl} commands (with their continuation lines) and the headless-console lines.
 */
final class Readme {
    /** The repository's root, where the README's commands are run (this module is {@code itests}). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final List<String> code;

    private Readme(List<String> code) {
        this.code = code;
    }

    static Readme read() throws IOException {
        List<String> code = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8)) {
            // the code blocks are indented by four spaces; a blank line inside one is kept as a separator
            code.add(line.startsWith("    ") ? line.substring(4) : "");
        }
        return new Readme(code);
    }

    /** Each {@code curl} command, its continuation lines joined as bash joins them. */
    List<String> curlCommands() {
        List<String> commands = new ArrayList<>();
        StringBuilder current = null;
        for (String line : code) {
            if (line.startsWith("curl ")) {
                if (current != null) {
                    commands.add(current.toString());
                }
                current = new StringBuilder(line);
            } else if (current != null && !line.isBlank() && Character.isWhitespace(line.charAt(0))) {
                current.append('\n').append(line);
            } else if (current != null) {
                commands.add(current.toString());
                current = null;
            }
        }
        if (current != null) {
            commands.add(current.toString());
        }
        return commands;
    }

    /** The lines of the block that starts with {@code firstLine}, up to the blank line that ends it. */
    List<String> block(String firstLine) {
        int start = code.indexOf(firstLine);
        if (start < 0) {
            throw new AssertionError("README.md has no code line " + firstLine);
        }
        List<String> lines = new ArrayList<>();
        for (int i = start; i < code.size() && !code.get(i).isBlank(); i++) {
            lines.add(code.get(i));
        }
        return lines;
    }
}
