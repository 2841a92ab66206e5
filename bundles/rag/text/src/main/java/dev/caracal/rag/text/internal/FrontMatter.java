package dev.caracal.rag.text.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A leading YAML front matter block ({@code ---} to {@code ---} or {@code ...}) read as flat metadata: {@code key:
 * value} pairs, quoted values unquoted, list items joined with {@code ", "}, folded ({@code >}) values joined with
 * spaces and literal ({@code |}) values with line breaks. Nested structures are not interpreted: their lines are
 * appended to the key above them.
 *
 * @param metadata the keys in document order, without empty values
 * @param bodyStart the index in the lines of the first line after the block (0 when there is no front matter)
 */
record FrontMatter(Map<String, Object> metadata, int bodyStart) {

    private static final Pattern KEY = Pattern.compile("^([A-Za-z0-9_][A-Za-z0-9_.-]*)[ \\t]*:(?:[ \\t]+(.*))?$");

    /** The front matter at the start of {@code lines}; none when the block is unclosed or holds no key. */
    static FrontMatter read(String[] lines) {
        FrontMatter none = new FrontMatter(Map.of(), 0);
        if (lines.length < 3 || !lines[0].strip().equals("---")) {
            return none;
        }
        int end = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.equals("---") || l.equals("...")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return none;
        }
        Map<String, StringBuilder> values = new LinkedHashMap<>();
        Map<String, String> joiners = new LinkedHashMap<>();
        String key = null;
        for (int i = 1; i < end; i++) {
            String line = lines[i];
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = KEY.matcher(line);
            if (m.matches()) {
                key = m.group(1);
                String value = m.group(2) == null ? "" : m.group(2).strip();
                String joiner = "\n";
                if (value.startsWith(">")) {
                    joiner = " ";
                    value = "";
                } else if (value.startsWith("|")) {
                    value = "";
                }
                values.put(key, new StringBuilder(unquote(value)));
                joiners.put(key, joiner);
            } else if (key != null) {
                String item = line.strip();
                String joiner = joiners.get(key);
                if (item.startsWith("- ") || item.equals("-")) {
                    item = unquote(item.substring(1).strip());
                    joiner = ", ";
                }
                StringBuilder v = values.get(key);
                if (v.length() > 0) {
                    v.append(joiner);
                }
                v.append(item);
            }
        }
        if (values.isEmpty()) {
            return none;
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!v.isEmpty()) {
                metadata.put(k, v.toString());
            }
        });
        return new FrontMatter(metadata, end + 1);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
