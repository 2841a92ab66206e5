package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An OpenAI-format upstream's members ({@link dev.caracal.llm.ResponseExtras}) placed in an object the ingress writes
 * with a generator, not as a tree: each names a member of one of the object's own objects (its {@code paths}, by
 * number), which it replaces where the object has it ({@link #replacement}) or follows the members it has
 * ({@link #rest}), as {@link dev.caracal.core.json.Json#putRawAt} puts them into a tree. Any other pointer, one inside
 * a member another one replaces, two naming one member, and a member without text can only be placed in a tree:
 * {@link #add} says so, and the caller then writes a tree, for the same bytes. Shared by a stream's chunks
 * ({@link ChunkMembers}) and a whole answer ({@link CompletionWriter}). Not thread-safe.
 */
final class MemberPlaces {
    /** Pointers whose member names are remembered at most (an upstream inventing names does not grow the memory). */
    private static final int REMEMBERED = 32;

    /** The path of each object members can be placed in, by its number. */
    private final String[] paths;
    /** The last reference token of pointers met, unescaped. */
    private final Map<String, String> names = new HashMap<>();

    // The members placed: their object, name, text and pointer, and whether each was written in place of one of the
    // object's own members.
    private int count;
    private int[] places = new int[4];
    private String[] placedNames = new String[4];
    private String[] placedRaws = new String[4];
    private String[] placedPointers = new String[4];
    private boolean[] written = new boolean[4];

    MemberPlaces(String... paths) {
        this.paths = paths;
    }

    /** Forgets the members placed. */
    void clear() {
        Arrays.fill(placedNames, 0, count, null);
        Arrays.fill(placedRaws, 0, count, null);
        Arrays.fill(placedPointers, 0, count, null);
        count = 0;
    }

    /** Whether a pointer names something inside an empty {@code choices} (nothing is, nor inside what replaces it). */
    static boolean inChoices(String pointer) {
        return pointer.startsWith("/choices/");
    }

    /** Places member {@code pointer} in one of {@code objects}; false when it cannot be placed as the object is written. */
    boolean add(String pointer, String raw, int[] objects) {
        int split = pointer.lastIndexOf('/');
        int place = split < 0 || raw == null ? -1 : placeOf(pointer, split, objects);
        if (place < 0) {
            return false;
        }
        String name = name(pointer, split);
        for (int j = 0; j < count; j++) {
            if (places[j] == place && placedNames[j].equals(name)
                    || under(paths[place], placedPointers[j])
                    || under(paths[places[j]], pointer)) {
                return false; // two members at one place, or one inside what another replaces
            }
        }
        if (count == places.length) {
            places = Arrays.copyOf(places, count * 2);
            placedNames = Arrays.copyOf(placedNames, count * 2);
            placedRaws = Arrays.copyOf(placedRaws, count * 2);
            placedPointers = Arrays.copyOf(placedPointers, count * 2);
            written = Arrays.copyOf(written, count * 2);
        }
        places[count] = place;
        placedNames[count] = name;
        placedRaws[count] = raw;
        placedPointers[count] = pointer;
        written[count++] = false;
        return true;
    }

    /** The text of the member replacing member {@code name} of the object at {@code place}, or {@code null}. */
    String replacement(int place, String name) {
        for (int i = 0; i < count; i++) {
            if (places[i] == place && placedNames[i].equals(name)) {
                written[i] = true;
                return placedRaws[i];
            }
        }
        return null;
    }

    /**
     * Writes the name of member {@code name} of the object at {@code place}; true when its value is to be written,
     * false when an upstream's member replaced it (written here).
     */
    boolean member(JsonGenerator g, int place, String name) throws IOException {
        String raw = replacement(place, name);
        g.writeFieldName(name);
        if (raw == null) {
            return true;
        }
        g.writeRawValue(raw);
        return false;
    }

    /** Member {@code name} of the object at {@code place}: {@code value}, unless an upstream's member replaced it. */
    void number(JsonGenerator g, int place, String name, long value) throws IOException {
        if (member(g, place, name)) {
            g.writeNumber(value);
        }
    }

    /** Writes the members of the object at {@code place} that it did not have, in their order. */
    void rest(JsonGenerator g, int place) throws IOException {
        for (int i = 0; i < count; i++) {
            if (places[i] == place && !written[i]) {
                g.writeFieldName(placedNames[i]);
                g.writeRawValue(placedRaws[i]);
            }
        }
    }

    /** The one of {@code objects} whose path is the pointer's up to {@code split}, or -1. */
    private int placeOf(String pointer, int split, int[] objects) {
        for (int place : objects) {
            if (paths[place].length() == split && pointer.startsWith(paths[place])) {
                return place;
            }
        }
        return -1;
    }

    /** Whether the object at {@code path} is the one {@code pointer} names, or inside it. */
    private static boolean under(String path, String pointer) {
        return path.startsWith(pointer) && (path.length() == pointer.length() || path.charAt(pointer.length()) == '/');
    }

    /** The pointer's last reference token, unescaped ({@code ~1} as {@code /}, then {@code ~0} as {@code ~}). */
    private String name(String pointer, int split) {
        String name = names.get(pointer);
        if (name == null) {
            String token = pointer.substring(split + 1);
            name = token.indexOf('~') < 0 ? token : token.replace("~1", "/").replace("~0", "~");
            if (names.size() < REMEMBERED) {
                names.put(pointer, name);
            }
        }
        return name;
    }
}
