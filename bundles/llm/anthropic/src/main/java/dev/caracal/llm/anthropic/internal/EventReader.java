package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.EventValues.index;
import static dev.caracal.llm.anthropic.internal.EventValues.input;
import static dev.caracal.llm.anthropic.internal.EventValues.isNumber;
import static dev.caracal.llm.anthropic.internal.EventValues.text;
import static dev.caracal.llm.anthropic.internal.EventValues.textOrNull;
import static dev.caracal.llm.anthropic.internal.EventValues.type;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.caracal.llm.support.MemberNames;
import java.io.IOException;

/**
 * Reads one Messages API stream event of a known type token by token into its fields, which the stream's decoder turns
 * into events once the whole event has been read, so that a malformed event emits nothing. A tree per event, then
 * reading it, was most of what a streamed answer allocated (issue 15): here the members the decoder models are read as
 * tokens ({@link EventValues}), and only the value of a member it does not model is read as a tree, to be kept as raw
 * JSON ({@link EventExtras}) when the client speaks Anthropic's format, or skipped. Events the decoder ignores
 * ({@code ping}, {@code content_block_stop}, types added later) are only checked to be one JSON object.
 *
 * <p>A repeated member name, which a tree resolves (the last value, at the place of the first), makes the reader stop
 * ({@link MemberNames.Repeated}) for the decoder to read the event again from its tree; upstreams do not repeat
 * members, so this costs nothing in practice.
 *
 * <p>Not thread-safe: one reader per stream attempt, reused from event to event.
 */
final class EventReader {
    static final int OTHER = 0;
    static final int MESSAGE_START = 1;
    static final int BLOCK_START = 2;
    static final int BLOCK_DELTA = 3;
    static final int MESSAGE_DELTA = 4;
    static final int MESSAGE_STOP = 5;
    static final int ERROR = 6;

    static final int INPUT = 0;
    static final int CACHE_READ = 1;
    static final int CACHE_CREATION = 2;
    static final int OUTPUT = 3;

    private final EventExtras extras;
    private final MemberNames names = new MemberNames();
    // the readers of each object, made once (a method reference made per object would be an allocation per object)
    private final MemberNames.MemberReader messageStartMembers = this::messageStartMember;
    private final MemberNames.MemberReader messageMembers = this::messageMember;
    private final MemberNames.MemberReader blockStartMembers = this::blockStartMember;
    private final MemberNames.MemberReader blockMembers = this::blockMember;
    private final MemberNames.MemberReader blockDeltaMembers = this::blockDeltaMember;
    private final MemberNames.MemberReader deltaMembers = this::deltaMember;
    private final MemberNames.MemberReader messageDeltaMembers = this::messageDeltaMember;
    private final MemberNames.MemberReader stopMembers = this::stopMember;
    private final MemberNames.MemberReader usageMembers = this::usageMember;
    /** Where the usage object being read keeps its unmodeled members. */
    private int usagePlace;

    // What the event said (each as the tree-based decoder read it: "" or null when absent).
    int index;
    /** The type of the {@code content_block} or of the {@code delta}. */
    String type;
    /** The message's or the tool-use block's id. */
    String id;
    /** The message's model; {@code null} when absent or JSON null. */
    String model;

    String name;
    String text;
    String thinking;
    String data;
    /** A tool-use block's whole input, or an {@code input_json_delta}'s {@code partial_json}. */
    String arguments;
    /** The signature; {@code null} when absent or JSON null. */
    String signature;
    /** The message delta's stop reason; {@code null} when absent or JSON null. */
    String stopReason;
    /** Whether the event has a usage object, the counts it gives and which it gives ({@link #INPUT}...). */
    boolean hasUsage;

    final long[] counts = new long[4];
    final boolean[] counted = new boolean[4];

    /** @param extras where unmodeled members go; {@code null}: they are skipped */
    EventReader(EventExtras extras) {
        this.extras = extras;
    }

    /** The kind of an event named {@code type}. */
    static int kind(String type) {
        return switch (type) {
            case "message_start" -> MESSAGE_START;
            case "content_block_start" -> BLOCK_START;
            case "content_block_delta" -> BLOCK_DELTA;
            case "message_delta" -> MESSAGE_DELTA;
            case "message_stop" -> MESSAGE_STOP;
            case "error" -> ERROR;
            default -> OTHER; // ping, content_block_stop, and event types added later
        };
    }

    /**
     * Reads an event of {@code kind} from {@code p}, which must give one JSON object and nothing after it. Throws
     * {@link IOException} when it does not, {@link MemberNames.Repeated} when an object the reader walks repeats a
     * member name.
     */
    void read(int kind, JsonParser p) throws IOException, MemberNames.Repeated {
        clear();
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("not a JSON object");
        }
        switch (kind) {
            case MESSAGE_START -> names.object(p, messageStartMembers);
            case BLOCK_START -> names.object(p, blockStartMembers);
            case BLOCK_DELTA -> names.object(p, blockDeltaMembers);
            case MESSAGE_DELTA -> names.object(p, messageDeltaMembers);
            default -> p.skipChildren();
        }
        if (p.nextToken() != null) {
            throw new IOException("trailing tokens");
        }
    }

    private void clear() {
        index = 0;
        type = "";
        id = "";
        model = null;
        name = "";
        text = "";
        thinking = "";
        data = "";
        arguments = "";
        signature = null;
        stopReason = null;
        hasUsage = false;
        for (int i = 0; i < counted.length; i++) {
            counted[i] = false;
        }
        names.clear();
        if (extras != null) {
            extras.clear();
        }
    }

    /** Reads the object at {@code t} with {@code members}; true when it was one, else it is skipped. */
    private boolean objectIf(JsonParser p, JsonToken t, MemberNames.MemberReader members)
            throws IOException, MemberNames.Repeated {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        names.object(p, members);
        return true;
    }

    private void messageStartMember(JsonParser p, String n, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (n) {
            case "type" -> p.skipChildren();
            case "message" -> objectIf(p, t, messageMembers); // one that is no object says nothing
            default -> unmodeled(p, t, EventExtras.ROOT, n);
        }
    }

    private void messageMember(JsonParser p, String n, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (n) {
            case "id" -> id = text(p, t);
            case "model" -> model = textOrNull(p, t);
            case "usage" -> {
                usagePlace = EventExtras.MESSAGE_USAGE;
                hasUsage = objectIf(p, t, usageMembers);
            }
            case "type", "role", "content", "stop_reason" -> p.skipChildren();
            default -> unmodeled(p, t, EventExtras.MESSAGE, n);
        }
    }

    private void blockStartMember(JsonParser p, String n, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (n) {
            case "index" -> index = index(p, t);
            case "content_block" -> objectIf(p, t, blockMembers);
            default -> p.skipChildren();
        }
    }

    private void blockMember(JsonParser p, String n, JsonToken t) throws IOException {
        switch (n) {
            case "type" -> type = type(p, t);
            case "text" -> text = text(p, t);
            case "thinking" -> thinking = text(p, t);
            case "signature" -> signature = textOrNull(p, t);
            case "data" -> data = text(p, t);
            case "id" -> id = text(p, t);
            case "name" -> name = text(p, t);
            case "input" -> arguments = input(p, t);
            default -> p.skipChildren();
        }
    }

    private void blockDeltaMember(JsonParser p, String n, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (n) {
            case "index" -> index = index(p, t);
            case "delta" -> objectIf(p, t, deltaMembers);
            default -> p.skipChildren();
        }
    }

    private void deltaMember(JsonParser p, String n, JsonToken t) throws IOException {
        switch (n) {
            case "type" -> type = type(p, t);
            case "text" -> text = text(p, t);
            case "partial_json" -> arguments = text(p, t);
            case "thinking" -> thinking = text(p, t);
            case "signature" -> signature = textOrNull(p, t);
            default -> p.skipChildren(); // a citation, and what deltas carry later
        }
    }

    private void messageDeltaMember(JsonParser p, String n, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (n) {
            case "type" -> p.skipChildren();
            case "delta" -> objectIf(p, t, stopMembers);
            case "usage" -> {
                usagePlace = EventExtras.USAGE;
                hasUsage = objectIf(p, t, usageMembers);
            }
            default -> unmodeled(p, t, EventExtras.ROOT, n);
        }
    }

    /** A member of a {@code message_delta}'s {@code delta}. */
    private void stopMember(JsonParser p, String n, JsonToken t) throws IOException {
        if (n.equals("stop_reason")) {
            stopReason = textOrNull(p, t);
        } else {
            unmodeled(p, t, EventExtras.DELTA, n);
        }
    }

    private void usageMember(JsonParser p, String n, JsonToken t) throws IOException {
        switch (n) {
            case "input_tokens" -> count(p, t, INPUT);
            case "cache_read_input_tokens" -> count(p, t, CACHE_READ);
            case "cache_creation_input_tokens" -> count(p, t, CACHE_CREATION);
            case "output_tokens" -> count(p, t, OUTPUT);
            default -> unmodeled(p, t, usagePlace, n);
        }
    }

    /** A token count: a number replaces the count so far; anything else leaves it. */
    private void count(JsonParser p, JsonToken t, int which) throws IOException {
        if (isNumber(t)) {
            counts[which] = EventValues.count(p, t);
            counted[which] = true;
        } else {
            p.skipChildren();
        }
    }

    /** A member the decoder does not model: kept as raw JSON unless JSON null (or not wanted), else skipped. */
    private void unmodeled(JsonParser p, JsonToken t, int place, String n) throws IOException {
        if (extras == null || t == JsonToken.VALUE_NULL) {
            p.skipChildren();
        } else {
            extras.add(place, n, EventValues.raw(p));
        }
    }
}
