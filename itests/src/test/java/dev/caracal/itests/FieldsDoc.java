package dev.caracal.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables of {@code docs/gateway-fields.md} with every column: for one ingress, each documented field with what
 * the ingress does with it and what each provider column says. A provider cell that reads {@code same} is resolved to
 * the cell on its left, as a reader would.
 */
final class FieldsDoc {

    /** One documented field: its ingress column and its provider cells by column title, in the document's order. */
    record Row(String field, String ingress, Map<String, String> providers) {}

    private FieldsDoc() {}

    /** The document, found from the directory the tests run in (the itests module: {@code ../docs}). */
    static Path document() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs/gateway-fields.md");
            if (Files.exists(doc)) {
                return doc;
            }
        }
        throw new AssertionError(
                "no docs/gateway-fields.md above " + Path.of("").toAbsolutePath());
    }

    /** The text of the section whose {@code ## } heading contains {@code heading}, up to the next such heading. */
    static String section(String heading) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(document(), StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                in = line.contains(heading);
                continue;
            }
            if (in) {
                text.append(line).append('\n');
            }
        }
        if (text.length() == 0) {
            throw new AssertionError("no section with '" + heading + "' in " + document());
        }
        return text.toString();
    }

    /**
     * The rows of the table in the section whose heading contains {@code heading}: the first cell (a field in
     * backquotes), the second (the ingress column), then one cell per provider column, keyed by the column's title.
     */
    static List<Row> rows(String heading) throws IOException {
        List<String> titles = null;
        List<Row> rows = new ArrayList<>();
        for (String line : section(heading).split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("|")) {
                continue;
            }
            List<String> cells = cells(trimmed);
            if (titles == null) {
                titles = cells; // the header row
                if (titles.size() < 3 || !titles.get(0).equalsIgnoreCase("Field")) {
                    throw new AssertionError("the table under '" + heading + "' starts with " + titles);
                }
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                continue; // the separator row
            }
            if (cells.size() != titles.size()) {
                throw new AssertionError("row with " + cells.size() + " cells under '" + heading + "': " + line);
            }
            String first = cells.get(0);
            if (!first.startsWith("`") || !first.endsWith("`") || first.length() < 3) {
                throw new AssertionError("a row under '" + heading + "' does not name a field in backquotes: " + line);
            }
            Map<String, String> providers = new LinkedHashMap<>();
            String left = null;
            for (int i = 2; i < cells.size(); i++) {
                String cell = cells.get(i);
                if (cell.toLowerCase(Locale.ROOT).equals("same")) {
                    if (left == null) {
                        throw new AssertionError("'same' has no cell on its left: " + line);
                    }
                    cell = left;
                }
                providers.put(titles.get(i), cell);
                left = cell;
            }
            rows.add(new Row(first.substring(1, first.length() - 1), cells.get(1), providers));
        }
        if (rows.isEmpty()) {
            throw new AssertionError("no field rows under '" + heading + "'");
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }
}
