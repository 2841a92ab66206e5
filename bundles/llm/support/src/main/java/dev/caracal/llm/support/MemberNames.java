package dev.caracal.llm.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * The member names of the JSON objects a streaming reader (a provider's reader of chunks or events, token by token) is
 * inside, innermost last, to notice a repeated name without allocating: a chunk's objects have a handful of members,
 * so a scan of the current object's names is cheap. A tree keeps the last value of a repeated name at the place of
 * the first; a reader that acts on values as it meets them cannot, so it reads such a chunk again as a tree. Not
 * thread-safe: one per reader.
 */
public final class MemberNames {

    /** A repeated member name: the chunk must be read again without repetitions. */
    public static final class Repeated extends Exception {
        private static final long serialVersionUID = 1L;
        /** Thrown as is: it carries no stack trace and nothing of the chunk. */
        public static final Repeated INSTANCE = new Repeated();

        private Repeated() {
            super("a member name is repeated", null, false, false);
        }
    }

    /** Reads one member of an object, the parser on its value's first token {@code t}. */
    @FunctionalInterface
    public interface MemberReader {
        void read(JsonParser p, String name, JsonToken t) throws IOException, Repeated;
    }

    private String[] names = new String[16];
    private int size;

    /** Where the names of an object being entered start. */
    public int mark() {
        return size;
    }

    /** Adds a name of the object whose names start at {@code mark}; throws when the object has it already. */
    public void add(int mark, String name) throws Repeated {
        for (int i = mark; i < size; i++) {
            if (names[i].equals(name)) {
                throw Repeated.INSTANCE;
            }
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
        }
        names[size++] = name;
    }

    /** Leaves the object whose names start at {@code mark}. */
    public void reset(int mark) {
        Arrays.fill(names, mark, size, null);
        size = mark;
    }

    /**
     * Reads the members of the object whose {@code START_OBJECT} the parser is on, each by {@code members}; throws
     * {@link Repeated} when the object repeats a name.
     */
    public void object(JsonParser p, MemberReader members) throws IOException, Repeated {
        int mark = mark();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            add(mark, name);
            members.read(p, name, p.nextToken());
        }
        reset(mark);
    }

    /** Forgets every name (a new chunk). */
    public void clear() {
        reset(0);
    }
}
