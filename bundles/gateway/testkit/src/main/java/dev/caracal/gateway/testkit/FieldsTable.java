package dev.caracal.gateway.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table of {@code docs/gateway-fields.md}, read at test time so that the documentation of what each ingress does
 * with each request field is checked against the code that does it.
 */
public final class FieldsTable {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_]+)`\\s*\\|\\s*([a-z]+)\\s*\\|.*");
    /** A member inside the body: {@code messages[].content[].cache_control}. */
    private static final Pattern NESTED_ROW =
            Pattern.compile("^\\|\\s*`([a-z_]+(?:\\[\\])?(?:\\.[a-z_]+(?:\\[\\])?)+)`\\s*\\|\\s*([a-z]+)\\s*\\|.*");

    private FieldsTable() {}

    /** The repository's {@code docs/gateway-fields.md}, found from the module directory the tests run in. */
    public static Path document() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path doc = dir.resolve("docs/gateway-fields.md");
            if (Files.exists(doc)) {
                return doc;
            }
            dir = dir.getParent();
        }
        throw new AssertionError(
                "no docs/gateway-fields.md above " + Path.of("").toAbsolutePath());
    }

    /**
     * The rows of the table under the heading that contains {@code heading}: field name to its ingress column
     * ({@code read} or {@code extra}), in the document's order.
     */
    public static Map<String, String> rows(String heading) throws IOException {
        return rows(heading, ROW);
    }

    /**
     * The rows of members inside the body ({@code messages[].content[].cache_control}, {@code tools[].cache_control})
     * in the table under the heading that contains {@code heading}: path to its ingress column, in order.
     */
    public static Map<String, String> nestedRows(String heading) throws IOException {
        return rows(heading, NESTED_ROW);
    }

    private static Map<String, String> rows(String heading, Pattern row) throws IOException {
        List<String> lines = Files.readAllLines(document(), StandardCharsets.UTF_8);
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.contains(heading);
                continue;
            }
            Matcher m = row.matcher(line);
            if (inSection && m.matches()) {
                if (rows.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("field " + m.group(1) + " is listed twice under " + heading);
                }
            }
        }
        if (rows.isEmpty()) {
            throw new AssertionError("no table under a heading with " + heading);
        }
        return rows;
    }
}
