package dev.caracal.vector.store.internal;

import dev.caracal.vector.Filter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An inverted index of a collection's metadata: for each field path and scalar value, the ordinals of the records
 * that carry it. It turns {@code eq}, {@code in} and numeric {@code range} filters (and {@code and}/{@code or} of
 * them) into a candidate list, so a selective filter costs the number of its matches instead of one filter evaluation
 * per record. Numeric values are also kept in order, so a range collects the postings of the values between its
 * bounds (both taken inclusively as doubles: rounding never drops a match, the full filter settles the edges).
 *
 * <p>Candidates are a superset: postings are append-only (a deleted or replaced record stays listed; the scan checks
 * liveness), numbers are keyed by their double value (several numbers may share a key), and every candidate is
 * still tested by the full filter. Paths follow {@link MetadataFilter}'s semantics: nested objects add a path segment,
 * lists are searched element by element. A field stops being indexed (and its filters scan) once it has more than
 * {@value #MAX_VALUES_PER_FIELD} distinct values; strings longer than {@value #MAX_KEY_LENGTH} characters are not
 * indexed (filters on such values scan).
 *
 * <p>One writer at a time (the collection's publish lock, or the loader); readers never lock.
 */
final class MetadataPostings {
    static final int MAX_VALUES_PER_FIELD = 100_000;
    static final int MAX_KEY_LENGTH = 256;
    private static final int MAX_DEPTH = 8;

    private final Map<String, Field> fields = new ConcurrentHashMap<>();

    private static final class Field {
        final Map<Object, Postings> values = new ConcurrentHashMap<>();
        /** The numeric entries of {@link #values} in order, for ranges. */
        final ConcurrentSkipListMap<Double, Postings> numbers = new ConcurrentSkipListMap<>();

        volatile boolean overflowed;
    }

    /** Append-only sorted ordinals; readers read {@code size} before {@code ordinals}. */
    private static final class Postings {
        volatile int[] ordinals = new int[2];
        volatile int size;

        void add(int ordinal) {
            int n = size;
            int[] a = ordinals;
            if (n > 0 && a[n - 1] >= ordinal) {
                if (a[n - 1] == ordinal || Arrays.binarySearch(a, 0, n, ordinal) >= 0) {
                    return; // a value listed twice in one record
                }
                int at = -Arrays.binarySearch(a, 0, n, ordinal) - 1;
                int[] b = Arrays.copyOf(a, Math.max(a.length, n + 1));
                System.arraycopy(a, at, b, at + 1, n - at);
                b[at] = ordinal;
                ordinals = b;
                size = n + 1;
                return;
            }
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
                a[n] = ordinal;
                ordinals = a;
            } else {
                a[n] = ordinal;
            }
            size = n + 1;
        }

        int[] snapshot() {
            int n = size;
            return Arrays.copyOf(ordinals, n);
        }
    }

    /** Indexes the metadata of a record (called in ordinal order). */
    void add(int ordinal, Map<String, Object> metadata) {
        if (metadata != null && !metadata.isEmpty()) {
            walk(ordinal, metadata, "", 0);
        }
    }

    @SuppressWarnings("unchecked")
    private void walk(int ordinal, Map<String, Object> map, String prefix, int depth) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            value(ordinal, path, e.getValue(), depth);
        }
    }

    @SuppressWarnings("unchecked")
    private void value(int ordinal, String path, Object v, int depth) {
        if (v == null || depth > MAX_DEPTH) {
            return;
        }
        if (v instanceof Map<?, ?> m) {
            walk(ordinal, (Map<String, Object>) m, path, depth + 1);
        } else if (v instanceof List<?> list) {
            for (Object element : list) {
                value(ordinal, path, element, depth + 1);
            }
        } else {
            Object key = key(v);
            if (key == null) {
                return;
            }
            Field field = fields.computeIfAbsent(path, p -> new Field());
            if (field.overflowed) {
                return;
            }
            Postings postings = field.values.get(key);
            if (postings == null) {
                if (field.values.size() >= MAX_VALUES_PER_FIELD) {
                    field.overflowed = true; // too many distinct values to be worth it: filters on it scan
                    field.values.clear();
                    field.numbers.clear();
                    return;
                }
                postings = new Postings();
                field.values.put(key, postings);
                if (key instanceof Double d) {
                    field.numbers.put(d, postings);
                }
            }
            postings.add(ordinal);
        }
    }

    /** The posting key of a scalar: numbers by double value, short strings and booleans as they are. */
    static Object key(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == 0 ? 0.0 : d; // -0.0 equals 0.0 as a number
        }
        if (v instanceof String s) {
            return s.length() <= MAX_KEY_LENGTH ? s : null;
        }
        if (v instanceof Boolean) {
            return v;
        }
        return null;
    }

    /**
     * The sorted candidate ordinals of {@code filter}, a superset of the records it matches, or {@code null} when the
     * postings cannot narrow it (string ranges, exists, not, unindexed fields or values).
     */
    int[] candidates(Filter filter) {
        if (filter instanceof Filter.Eq eq) {
            return eq.value() == null ? null : postings(eq.field(), eq.value());
        }
        if (filter instanceof Filter.Range range) {
            return range(range);
        }
        if (filter instanceof Filter.In in) {
            int[] union = new int[0];
            for (Object value : in.values()) {
                int[] p = postings(in.field(), value);
                if (p == null) {
                    return null;
                }
                union = union(union, p);
            }
            return union;
        }
        if (filter instanceof Filter.And and) {
            int[] result = null;
            for (Filter child : and.filters()) {
                int[] c = candidates(child);
                if (c != null) {
                    result = result == null ? c : intersect(result, c);
                }
            }
            return result;
        }
        if (filter instanceof Filter.Or or) {
            int[] union = new int[0];
            for (Filter child : or.filters()) {
                int[] c = candidates(child);
                if (c == null) {
                    return null;
                }
                union = union(union, c);
            }
            return union;
        }
        return null;
    }

    private int[] postings(String path, Object value) {
        Field field = fields.get(path);
        Object key = key(value);
        if (key == null) {
            return null;
        }
        if (field == null) {
            return new int[0]; // no record has ever had this field
        }
        if (field.overflowed) {
            return null;
        }
        Postings p = field.values.get(key);
        if (field.overflowed) {
            return null; // overflowed while we looked
        }
        return p == null ? new int[0] : p.snapshot();
    }

    /** The records with a number between the bounds of a numeric range; {@code null} for string ranges. */
    private int[] range(Filter.Range r) {
        Object lower = r.gt() != null ? r.gt() : r.gte();
        Object upper = r.lt() != null ? r.lt() : r.lte();
        if ((lower != null && !(lower instanceof Number))
                || (upper != null && !(upper instanceof Number))
                || (lower == null && upper == null)) {
            return null;
        }
        Field field = fields.get(r.field());
        if (field == null) {
            return new int[0];
        }
        if (field.overflowed) {
            return null;
        }
        double lo = lower == null ? Double.NEGATIVE_INFINITY : ((Number) lower).doubleValue();
        double hi = upper == null ? Double.POSITIVE_INFINITY : ((Number) upper).doubleValue();
        if (lo > hi) {
            return new int[0];
        }
        // inclusive on both ends: a bound and a value that differ only beyond a double's precision both round to
        // the same key, and the full filter still decides
        NavigableMap<Double, Postings> between = field.numbers.subMap(lo, true, hi, true);
        int[][] parts = new int[between.size()][];
        int count = 0;
        int total = 0;
        for (Postings p : between.values()) {
            if (count == parts.length) {
                parts = Arrays.copyOf(parts, count * 2 + 1); // values added while we looked
            }
            int[] snapshot = p.snapshot();
            parts[count++] = snapshot;
            total += snapshot.length;
        }
        if (field.overflowed) {
            return null; // overflowed while we looked
        }
        if (count == 1) {
            return parts[0];
        }
        int[] all = new int[total];
        int at = 0;
        for (int i = 0; i < count; i++) {
            System.arraycopy(parts[i], 0, all, at, parts[i].length);
            at += parts[i].length;
        }
        Arrays.sort(all);
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (n == 0 || all[i] != all[n - 1]) {
                all[n++] = all[i]; // a record listing several numbers in range
            }
        }
        return n == all.length ? all : Arrays.copyOf(all, n);
    }

    static int[] intersect(int[] a, int[] b) {
        int[] out = new int[Math.min(a.length, b.length)];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length && j < b.length) {
            if (a[i] < b[j]) {
                i++;
            } else if (a[i] > b[j]) {
                j++;
            } else {
                out[n++] = a[i];
                i++;
                j++;
            }
        }
        return Arrays.copyOf(out, n);
    }

    static int[] union(int[] a, int[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int next;
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                next = a[i++];
            } else if (i >= a.length || b[j] < a[i]) {
                next = b[j++];
            } else {
                next = a[i++];
                j++;
            }
            out[n++] = next;
        }
        return Arrays.copyOf(out, n);
    }
}
