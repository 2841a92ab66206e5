package dev.caracal.vector.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.vector.Filter;
import dev.caracal.vector.InvalidRequestException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Filters: the grammar of eq, in, range, exists, and, or, not, read with errors whose field is the path of the
 * offending operator ({@code filter.and[0].range.year}).
 */
final class FilterJson {
    private FilterJson() {}

    /** Parses the filter grammar: eq, in, range, exists, and, or, not. */
    static Filter readFilter(JsonNode node, String path) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new InvalidRequestException(
                    path, "a filter is an object with one operator: eq, in, range, exists, and, or, not");
        }
        Map.Entry<String, JsonNode> op = node.fields().next();
        String name = op.getKey();
        JsonNode arg = op.getValue();
        String p = path + "." + name;
        switch (name) {
            case "eq": {
                List<Filter> eqs = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : fieldsOf(arg, p, "{\"eq\":{\"field\":value}}")) {
                    JsonNode val = e.getValue();
                    if (!val.isValueNode()) {
                        throw new InvalidRequestException(
                                p + "." + e.getKey(), "eq compares with a string, number, boolean or null");
                    }
                    eqs.add(new Filter.Eq(e.getKey(), JsonValues.scalar(val)));
                }
                return eqs.size() == 1 ? eqs.get(0) : new Filter.And(eqs);
            }
            case "in": {
                List<Filter> ins = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : fieldsOf(arg, p, "{\"in\":{\"field\":[values]}}")) {
                    JsonNode vals = e.getValue();
                    if (!vals.isArray() || vals.isEmpty()) {
                        throw new InvalidRequestException(p + "." + e.getKey(), "in needs a non-empty array of values");
                    }
                    List<Object> values = new ArrayList<>();
                    for (int i = 0; i < vals.size(); i++) {
                        if (!vals.get(i).isValueNode() || vals.get(i).isNull()) {
                            throw new InvalidRequestException(
                                    p + "." + e.getKey() + "[" + i + "]",
                                    "in values must be strings, numbers or booleans (to match records without the "
                                            + "field, use {\"not\":{\"exists\":\"" + e.getKey() + "\"}})");
                        }
                        values.add(JsonValues.scalar(vals.get(i)));
                    }
                    ins.add(new Filter.In(e.getKey(), values));
                }
                return ins.size() == 1 ? ins.get(0) : new Filter.And(ins);
            }
            case "range": {
                List<Filter> ranges = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : fieldsOf(arg, p, "{\"range\":{\"field\":{\"gte\":1}}}")) {
                    ranges.add(readRange(e.getKey(), e.getValue(), p + "." + e.getKey()));
                }
                return ranges.size() == 1 ? ranges.get(0) : new Filter.And(ranges);
            }
            case "exists": {
                if (!arg.isTextual() || arg.textValue().isEmpty()) {
                    throw new InvalidRequestException(p, "exists takes a field name: {\"exists\":\"author\"}");
                }
                return new Filter.Exists(arg.textValue());
            }
            case "and":
            case "or": {
                if (!arg.isArray() || arg.isEmpty()) {
                    throw new InvalidRequestException(p, name + " takes a non-empty array of filters");
                }
                List<Filter> parts = new ArrayList<>();
                for (int i = 0; i < arg.size(); i++) {
                    parts.add(readFilter(arg.get(i), p + "[" + i + "]"));
                }
                return name.equals("and") ? new Filter.And(parts) : new Filter.Or(parts);
            }
            case "not":
                return new Filter.Not(readFilter(arg, p));
            default:
                throw new InvalidRequestException(
                        p, "unknown filter operator '" + name + "'; use eq, in, range, exists, and, or, not");
        }
    }

    private static Filter readRange(String field, JsonNode bounds, String path) {
        if (!bounds.isObject() || bounds.isEmpty()) {
            throw new InvalidRequestException(path, "a range needs bounds: gt, gte, lt, lte");
        }
        Object[] b = new Object[4];
        String[] names = {"gt", "gte", "lt", "lte"};
        Boolean numeric = null;
        Iterator<Map.Entry<String, JsonNode>> it = bounds.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int slot = List.of(names).indexOf(e.getKey());
            if (slot < 0) {
                throw new InvalidRequestException(path + "." + e.getKey(), "unknown range bound; use gt, gte, lt, lte");
            }
            JsonNode val = e.getValue();
            if (!(val.isNumber() || val.isTextual())) {
                throw new InvalidRequestException(path + "." + e.getKey(), "a range bound is a number or a string");
            }
            if (numeric != null && numeric != val.isNumber()) {
                throw new InvalidRequestException(
                        path + "." + e.getKey(), "range bounds must all be numbers or all strings");
            }
            numeric = val.isNumber();
            b[slot] = JsonValues.scalar(val);
        }
        return new Filter.Range(field, b[0], b[1], b[2], b[3]);
    }

    private static Iterable<Map.Entry<String, JsonNode>> fieldsOf(JsonNode arg, String path, String example) {
        if (arg == null || !arg.isObject() || arg.isEmpty()) {
            throw new InvalidRequestException(path, "expected an object like " + example);
        }
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        arg.fields().forEachRemaining(out::add);
        return out;
    }
}
