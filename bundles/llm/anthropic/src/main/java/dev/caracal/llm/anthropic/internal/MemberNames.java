package dev.caracal.llm.anthropic.internal;

import java.util.Arrays;

/**
 * The member names of the objects an {@link EventReader} is inside, innermost last, to notice a repeated name without
 * allocating: an event's objects have a handful of members, so a scan of the current object's names is cheap. A tree
 * keeps the last value of a repeated name at the place of the first; the reader, which acts on values as it meets
 * them, cannot, so such an event is read again from its tree.
 */
final class MemberNames {

    /** A repeated member name: the event must be read again from its tree. */
    static final class Repeated extends Exception {
        private static final long serialVersionUID = 1L;
        /** Thrown as is: it carries no stack trace and nothing of the event. */
        static final Repeated INSTANCE = new Repeated();

        private Repeated() {
            super("a member name is repeated", null, false, false);
        }
    }

    private String[] names = new String[16];
    private int size;

    /** Where the names of an object being entered start. */
    int mark() {
        return size;
    }

    /** Adds a name of the object whose names start at {@code mark}; throws when the object has it already. */
    void add(int mark, String name) throws Repeated {
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
    void reset(int mark) {
        Arrays.fill(names, mark, size, null);
        size = mark;
    }

    void clear() {
        reset(0);
    }
}
