package dev.caracal.vector.store.internal;

import dev.caracal.vector.Filter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An inverted index of a collection's metadata: for each field path and scalar value, the ordinals of the records
 * that carry it. It turns {@code eq} and {@code in} filters (and {@code and}/{@code or} of them) into a candidate list,
 * so a selective filter costs the number of its matches instead of one filter evaluation per record.
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
                    return;
                }
                postings = new Postings();
                field.values.put(key, postings);
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
     * postings cannot narrow it (ranges, exists, not, unindexed fields or values).
     */
    int[] candidates(Filter filter) {
        if (filter instanceof Filter.Eq eq) {
            return eq.value() == null ? null : postings(eq.field(), eq.value());
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
