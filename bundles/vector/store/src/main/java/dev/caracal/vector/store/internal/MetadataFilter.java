package dev.caracal.vector.store.internal;

import dev.caracal.vector.Filter;
import dev.caracal.vector.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link Filter} validated and compiled into a predicate over a record's metadata (the parsed, unmodifiable map
 * kept in memory per ordinal). Evaluated during the scan, per candidate, before its score is computed.
 *
 * <p>Semantics: a field is a dotted path into nested objects; a list met on the way is searched element by element,
 * and a list at the end of the path matches {@code eq}, {@code in} and {@code range} when any element does. Numbers
 * compare by value ({@code 2 == 2.0}); strings compare lexicographically (by UTF-16 code unit) in ranges;
 * {@code eq} with a {@code null} value matches records where the field is absent or null.
 */
abstract class MetadataFilter {
    static final int MAX_DEPTH = 32;

    /** Whether a record with this metadata passes. */
    abstract boolean test(Map<String, Object> metadata);

    /** Validates and compiles {@code filter}; {@code null} means no filter and compiles to {@code null}. */
    static MetadataFilter compile(Filter filter) {
        return filter == null ? null : compile(filter, "filter", 0);
    }

    private static MetadataFilter compile(Filter filter, String at, int depth) {
        if (filter == null) {
            throw new InvalidRequestException(at, "a filter must not be null");
        }
        if (depth > MAX_DEPTH) {
            throw new InvalidRequestException(at, "filters nest deeper than " + MAX_DEPTH + " levels");
        }
        if (filter instanceof Filter.Eq eq) {
            String[] path = path(eq.field(), at);
            Object value = scalar(eq.value(), at + ".value", true);
            if (value == null) {
                return new NotFilter(new ExistsFilter(path));
            }
            return new LeafFilter(path, v -> scalarEquals(v, value));
        }
        if (filter instanceof Filter.In in) {
            String[] path = path(in.field(), at);
            if (in.values().isEmpty()) {
                throw new InvalidRequestException(at + ".values", "'in' needs at least one value");
            }
            List<Object> values = new ArrayList<>(in.values().size());
            for (int i = 0; i < in.values().size(); i++) {
                values.add(scalar(in.values().get(i), at + ".values[" + i + "]", false));
            }
            Object[] array = values.toArray();
            return new LeafFilter(path, v -> {
                for (Object candidate : array) {
                    if (scalarEquals(v, candidate)) {
                        return true;
                    }
                }
                return false;
            });
        }
        if (filter instanceof Filter.Range r) {
            return range(r, at);
        }
        if (filter instanceof Filter.Exists ex) {
            return new ExistsFilter(path(ex.field(), at));
        }
        if (filter instanceof Filter.And and) {
            return new AndFilter(children(and.filters(), at + ".and", depth), true);
        }
        if (filter instanceof Filter.Or or) {
            return new AndFilter(children(or.filters(), at + ".or", depth), false);
        }
        Filter.Not not = (Filter.Not) filter;
        return new NotFilter(compile(not.filter(), at + ".not", depth + 1));
    }

    private static MetadataFilter[] children(List<Filter> filters, String at, int depth) {
        if (filters.isEmpty()) {
            throw new InvalidRequestException(at, "needs at least one filter");
        }
        MetadataFilter[] out = new MetadataFilter[filters.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = compile(filters.get(i), at + "[" + i + "]", depth + 1);
        }
        return out;
    }

    private static MetadataFilter range(Filter.Range r, String at) {
        String[] path = path(r.field(), at);
        if (r.gt() == null && r.gte() == null && r.lt() == null && r.lte() == null) {
            throw new InvalidRequestException(at, "a range needs at least one of gt, gte, lt, lte");
        }
        if (r.gt() != null && r.gte() != null) {
            throw new InvalidRequestException(at + ".gt", "give gt or gte, not both");
        }
        if (r.lt() != null && r.lte() != null) {
            throw new InvalidRequestException(at + ".lt", "give lt or lte, not both");
        }
        Object lower = r.gt() != null ? r.gt() : r.gte();
        Object upper = r.lt() != null ? r.lt() : r.lte();
        String lowerName = r.gt() != null ? "gt" : "gte";
        String upperName = r.lt() != null ? "lt" : "lte";
        boolean numeric = false;
        boolean text = false;
        for (Object[] bound : new Object[][] {{lower, lowerName}, {upper, upperName}}) {
            Object v = bound[0];
            if (v == null) {
                continue;
            }
            String field = at + "." + bound[1];
            if (v instanceof Number n) {
                if (!isFinite(n)) {
                    throw new InvalidRequestException(field, "range bounds must be finite numbers");
                }
                numeric = true;
            } else if (v instanceof String) {
                text = true;
            } else {
                throw new InvalidRequestException(field, "range bounds must be numbers or strings");
            }
        }
        if (numeric && text) {
            throw new InvalidRequestException(at, "range bounds must be both numbers or both strings");
        }
        boolean lowerInclusive = r.gte() != null;
        boolean upperInclusive = r.lte() != null;
        if (numeric) {
            Number lo = (Number) lower;
            Number hi = (Number) upper;
            return new LeafFilter(path, v -> {
                if (!(v instanceof Number n)) {
                    return false;
                }
                if (lo != null) {
                    int c = compareNumbers(n, lo);
                    if (c < 0 || (c == 0 && !lowerInclusive)) {
                        return false;
                    }
                }
                if (hi != null) {
                    int c = compareNumbers(n, hi);
                    return c < 0 || (c == 0 && upperInclusive);
                }
                return true;
            });
        }
        String lo = (String) lower;
        String hi = (String) upper;
        return new LeafFilter(path, v -> {
            if (!(v instanceof String s)) {
                return false;
            }
            if (lo != null) {
                int c = s.compareTo(lo);
                if (c < 0 || (c == 0 && !lowerInclusive)) {
                    return false;
                }
            }
            if (hi != null) {
                int c = s.compareTo(hi);
                return c < 0 || (c == 0 && upperInclusive);
            }
            return true;
        });
    }

    private static String[] path(String field, String at) {
        if (field == null || field.isEmpty()) {
            throw new InvalidRequestException(
                    at + ".field", "the field must be a non-empty metadata key or dotted path");
        }
        String[] parts = field.split("\\.", -1);
        for (String p : parts) {
            if (p.isEmpty()) {
                throw new InvalidRequestException(at + ".field", "'" + field + "' has an empty path segment");
            }
        }
        return parts;
    }

    private static Object scalar(Object v, String at, boolean nullAllowed) {
        if (v == null) {
            if (nullAllowed) {
                return null;
            }
            throw new InvalidRequestException(at, "must not be null");
        }
        if (v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Number n) {
            if (!isFinite(n)) {
                throw new InvalidRequestException(at, "numbers must be finite");
            }
            return n;
        }
        throw new InvalidRequestException(at, "must be a string, number or boolean");
    }

    private static boolean isFinite(Number n) {
        return !(n instanceof Double || n instanceof Float) || Double.isFinite(n.doubleValue());
    }

    static boolean scalarEquals(Object value, Object target) {
        if (value instanceof Number a && target instanceof Number b) {
            return compareNumbers(a, b) == 0;
        }
        return value != null && value.equals(target);
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
    }

    /** Compares numbers by value, exactly for integers and big numbers, as doubles otherwise. */
    static int compareNumbers(Number a, Number b) {
        if (integral(a) && integral(b)) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (a instanceof BigInteger || a instanceof BigDecimal || b instanceof BigInteger || b instanceof BigDecimal) {
            return toBigDecimal(a).compareTo(toBigDecimal(b));
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        return x < y ? -1 : (x > y ? 1 : 0);
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal bd) {
            return bd;
        }
        if (n instanceof BigInteger bi) {
            return new BigDecimal(bi);
        }
        if (integral(n)) {
            return BigDecimal.valueOf(n.longValue());
        }
        return new BigDecimal(n.doubleValue());
    }

    /**
     * Whether any value at {@code path} (from segment {@code i}) of {@code node} satisfies {@code test}: lists on the
     * way and at the end are searched element by element.
     */
    static boolean anyValue(Object node, String[] path, int i, Predicate<Object> test) {
        if (node instanceof List<?> list) {
            for (Object element : list) {
                if (anyValue(element, path, i, test)) {
                    return true;
                }
            }
            return false;
        }
        if (i == path.length) {
            return test.test(node);
        }
        if (node instanceof Map<?, ?> map) {
            Object child = map.get(path[i]);
            if (child == null) {
                return false;
            }
            return anyValue(child, path, i + 1, test);
        }
        return false;
    }

    private static final class LeafFilter extends MetadataFilter {
        private final String[] path;
        private final Predicate<Object> test;

        LeafFilter(String[] path, Predicate<Object> test) {
            this.path = path;
            this.test = test;
        }

        @Override
        boolean test(Map<String, Object> metadata) {
            return anyValue(metadata, path, 0, test);
        }
    }

    private static final class ExistsFilter extends MetadataFilter {
        private final String[] path;

        ExistsFilter(String[] path) {
            this.path = path;
        }

        @Override
        boolean test(Map<String, Object> metadata) {
            return present(metadata, 0);
        }

        private boolean present(Object node, int i) {
            if (i == path.length) {
                return node != null;
            }
            if (node instanceof Map<?, ?> map) {
                return present(map.get(path[i]), i + 1);
            }
            if (node instanceof List<?> list) {
                for (Object element : list) {
                    if (element instanceof Map<?, ?> && present(element, i)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static final class AndFilter extends MetadataFilter {
        private final MetadataFilter[] children;
        private final boolean all;

        AndFilter(MetadataFilter[] children, boolean all) {
            this.children = children;
            this.all = all;
        }

        @Override
        boolean test(Map<String, Object> metadata) {
            for (MetadataFilter child : children) {
                if (child.test(metadata) != all) {
                    return !all;
                }
            }
            return all;
        }
    }

    private static final class NotFilter extends MetadataFilter {
        private final MetadataFilter inner;

        NotFilter(MetadataFilter inner) {
            this.inner = inner;
        }

        @Override
        boolean test(Map<String, Object> metadata) {
            return !inner.test(metadata);
        }
    }
}
