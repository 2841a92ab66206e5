package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ResponseExtras;
import java.io.IOException;
import java.util.Arrays;

/**
 * The members of an OpenAI-format upstream's chunks that the normalized events do not model
 * ({@link dev.caracal.llm.StreamEvent.Extras}), waiting to be written on the chunks made for them: each at its JSON
 * Pointer, replacing what a chunk has there or added after the members it has, as
 * {@link dev.caracal.core.json.Json#putRawAt} writes them into a tree. Members of the usage go on the usage chunk; the
 * others on the chunks made of the next event.
 *
 * <p>A chunk is written with a generator, not as a tree, so a member must be placed as the chunk is written: one that
 * names a member of the chunk, of its first choice or of that choice's delta (for the usage chunk: of the chunk, its
 * usage or the usage's two details objects) is written there ({@link #replacement}, {@link #rest}). Those are all the
 * places an OpenAI-format upstream's chunk has members the decoder does not model. Any other pointer, one inside a
 * member another one replaces, two naming one member, and a member without text can only be placed in a tree:
 * {@link #placeContent} and {@link #placeUsage} say so, and the chunk is then made a tree and the members put in as
 * they always were ({@link #putOnContent}, {@link #putOnUsage}), for the same bytes.
 */
final class ChunkMembers {
    static final int ROOT = 0;
    static final int CHOICE = 1;
    static final int DELTA = 2;
    // at the same indexes as in CompletionWriter's places: both write the usage object with CompletionWriter#usage
    static final int USAGE = CompletionWriter.USAGE;
    static final int PROMPT_DETAILS = CompletionWriter.PROMPT_DETAILS;
    static final int COMPLETION_DETAILS = CompletionWriter.COMPLETION_DETAILS;

    private static final String[] PATHS = {
        "",
        "/choices/0",
        "/choices/0/delta",
        "/usage",
        "/usage/prompt_tokens_details",
        "/usage/completion_tokens_details"
    };
    /** The objects every chunk with a choice has, and those of the usage chunk. */
    private static final int[] CONTENT_PLACES = {ROOT, CHOICE, DELTA};

    private static final int[] USAGE_PLACES = {ROOT, USAGE, PROMPT_DETAILS, COMPLETION_DETAILS};
    /** Members in the order they came, a pointer kept once (its latest text), as a map keeps them. */
    private static final class Members {
        String[] pointers = new String[4];
        String[] raws = new String[4];
        int size;

        void put(String pointer, String raw) {
            for (int i = 0; i < size; i++) {
                if (pointers[i].equals(pointer)) {
                    raws[i] = raw;
                    return;
                }
            }
            if (size == pointers.length) {
                pointers = Arrays.copyOf(pointers, size * 2);
                raws = Arrays.copyOf(raws, size * 2);
            }
            pointers[size] = pointer;
            raws[size++] = raw;
        }

        void clear() {
            Arrays.fill(pointers, 0, size, null);
            Arrays.fill(raws, 0, size, null);
            size = 0;
        }

        void putOn(ObjectNode chunk) {
            for (int i = 0; i < size; i++) {
                dev.caracal.core.json.Json.putRawAt(chunk, pointers[i], raws[i]);
            }
        }
    }

    /** No members: a chunk as the ingress writes it. */
    static final ChunkMembers NONE = new ChunkMembers();

    private final Members chunk = new Members();
    private final Members usage = new Members();
    /** The members of the chunk being written, placed. */
    private final MemberPlaces placed = new MemberPlaces(PATHS);

    /** Keeps an upstream chunk's members, if they are OpenAI's, for the chunks written next. */
    void keep(ResponseExtras extras) {
        if (!extras.carriableTo(ChatCompletionParser.FORMAT)) {
            return;
        }
        extras.members().forEach((pointer, raw) -> (pointer.startsWith("/usage/") ? usage : chunk).put(pointer, raw));
    }

    /** Whether members wait for the next chunks (not counting the usage's). */
    boolean any() {
        return chunk.size > 0;
    }

    /** The chunks made of an event have been written: their members are spent. */
    void chunksWritten() {
        chunk.clear();
    }

    /**
     * Prepares the waiting members for a chunk with a choice (and no usage object): false when one cannot be placed
     * as the chunk is written.
     */
    boolean placeContent() {
        placed.clear();
        return place(chunk, CONTENT_PLACES);
    }

    /**
     * Prepares the members of the usage, then the waiting ones, for the usage chunk; false as above. Its
     * {@code choices} is empty, so a member inside it has no place in any chunk: it is left out, as a tree leaves it.
     */
    boolean placeUsage() {
        placed.clear();
        if (!place(usage, USAGE_PLACES) || !place(chunk, USAGE_PLACES)) {
            return false;
        }
        usage.clear();
        return true;
    }

    /** Puts the waiting members on a chunk with a choice, written as a tree. */
    void putOnContent(ObjectNode tree) {
        chunk.putOn(tree);
    }

    /** Puts the usage's members, then the waiting ones, on the usage chunk, written as a tree. */
    void putOnUsage(ObjectNode tree) {
        usage.putOn(tree);
        usage.clear();
        chunk.putOn(tree);
    }

    /** See {@link MemberPlaces#member}. */
    boolean member(JsonGenerator g, int place, String name) throws IOException {
        return placed.member(g, place, name);
    }

    /** See {@link MemberPlaces#number}. */
    void number(JsonGenerator g, int place, String name, long value) throws IOException {
        placed.number(g, place, name, value);
    }

    /** Where the chunk's members go (the usage object is written by {@link CompletionWriter#usage} from them). */
    MemberPlaces places() {
        return placed;
    }

    /** Writes the members of the object at {@code place} that it did not have, in their order. */
    void rest(JsonGenerator g, int place) throws IOException {
        placed.rest(g, place);
    }

    /** Adds {@code members} to the chunk's, each a member of one of the chunk's objects; false when one is not. */
    private boolean place(Members members, int[] objects) {
        for (int i = 0; i < members.size; i++) {
            String pointer = members.pointers[i];
            if (objects == USAGE_PLACES && MemberPlaces.inChoices(pointer)) {
                continue; // nothing is inside an empty array (nor inside what replaces it)
            }
            if (!placed.add(pointer, members.raws[i], objects)) {
                return false;
            }
        }
        return true;
    }
}
