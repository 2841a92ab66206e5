package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.ChunkValues.count;
import static dev.caracal.llm.openai.internal.ChunkValues.isInt;
import static dev.caracal.llm.openai.internal.ChunkValues.nonEmptyString;
import static dev.caracal.llm.openai.internal.ChunkValues.skip;
import static dev.caracal.llm.openai.internal.ChunkValues.text;
import static dev.caracal.llm.openai.internal.ChunkValues.tree;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.MemberNames;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one {@code chat.completion.chunk} token by token into its fields, which the stream's decoder turns into events
 * once the whole chunk has been read, so that a malformed chunk emits nothing. A tree per chunk was most of what a
 * streamed answer allocated (issue 15): here the members the decoder models are read as tokens ({@link ChunkValues}),
 * and the value of a member it does not model is kept as raw JSON, its text copied from the tokens without a tree
 * ({@link ChunkExtras}, {@link RawValues}), or skipped when the client is not an OpenAI one.
 *
 * <p>A repeated member name, which a tree resolves (the last value, at the place of the first), makes the reader stop
 * ({@link MemberNames.Repeated}) for the decoder to read the chunk again as its tree writes it; upstreams do not repeat
 * members, so this costs nothing in practice.
 *
 * <p>Not thread-safe: one reader per stream attempt, reused from chunk to chunk.
 */
final class ChunkReader {

    private final ChunkExtras extras;
    private final MemberNames names = new MemberNames();
    // the readers of each object, made once (a method reference made per object would be an allocation per object)
    private final MemberNames.MemberReader rootMembers = this::rootMember;
    private final MemberNames.MemberReader choiceMembers = this::choiceMember;
    private final MemberNames.MemberReader deltaMembers = this::deltaMember;
    private final MemberNames.MemberReader callMembers = this::callMember;
    private final MemberNames.MemberReader functionMembers = this::functionMember;
    private final MemberNames.MemberReader usageMembers = this::usageMember;
    private final MemberNames.MemberReader promptDetailsMembers = this::promptDetailsMember;
    /** Whether {@code id} and {@code model} are wanted (in the first chunk: they make the {@code Start} event). */
    private boolean wantStart;
    /** The choice being read, whether it is the first element of {@code choices}, and the tool call being read. */
    private ChunkChoice choice;

    private boolean firstChoice;
    private ChunkChoice.ToolCall call;

    // What the chunk said.
    String id;
    String model;
    /** The {@code error} member, {@code null} when there is none (a JSON null is kept, as a {@code NullNode}). */
    JsonNode error;
    /** The elements of {@code choices} that are objects, in order: the first {@code choiceCount}. */
    ChunkChoice[] choices = {new ChunkChoice()};

    int choiceCount;
    /** Whether {@code usage} is an object, and what it counts. */
    boolean hasUsage;

    long promptTokens;
    long completionTokens;
    long cachedTokens;

    /** @param extras where unmodeled members go; {@code null}: they are skipped */
    ChunkReader(ChunkExtras extras) {
        this.extras = extras;
    }

    /**
     * Reads {@code payload}, a whole chunk. Throws {@link IOException} when it is not one JSON object (malformed, or
     * followed by anything), {@link MemberNames.Repeated} when an object the reader walks repeats a member name.
     */
    void read(String payload, boolean wantStart) throws IOException, MemberNames.Repeated {
        this.wantStart = wantStart;
        id = null;
        model = null;
        error = null;
        choiceCount = 0;
        hasUsage = false;
        promptTokens = 0;
        completionTokens = 0;
        cachedTokens = 0;
        names.clear();
        if (extras != null) {
            extras.clear();
        }
        try (JsonParser p = Json.MAPPER.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            names.object(p, rootMembers);
            if (p.nextToken() != null) {
                throw new IOException("trailing tokens");
            }
        }
    }

    private void rootMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "id" -> id = wantStart ? text(p, t) : skip(p);
            case "model" -> model = wantStart ? text(p, t) : skip(p);
            case "object", "created" -> p.skipChildren();
            case "choices" -> choices(p, t);
            case "usage" -> {
                hasUsage = t == JsonToken.START_OBJECT;
                if (hasUsage) {
                    names.object(p, usageMembers);
                } else {
                    p.skipChildren();
                }
            }
            case "error" -> error = tree(p);
            default -> unmodeled(p, t, ChunkExtras.ROOT, name);
        }
    }

    private void choices(JsonParser p, JsonToken t) throws IOException, MemberNames.Repeated {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        firstChoice = true;
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT) {
                if (choiceCount == choices.length) {
                    choices = Arrays.copyOf(choices, choiceCount * 2);
                    for (int i = choiceCount; i < choices.length; i++) {
                        choices[i] = new ChunkChoice();
                    }
                }
                choice = choices[choiceCount++];
                choice.clear();
                names.object(p, choiceMembers);
            } else {
                p.skipChildren(); // an element that is no object says nothing
            }
            firstChoice = false;
        }
    }

    /** A member of a choice; the first choice's unmodeled ones are kept (a gateway's answer has one). */
    private void choiceMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "index" -> {
                choice.index = isInt(p, t) ? p.getIntValue() : 0;
                choice.indexNode = isInt(p, t) ? null : tree(p);
            }
            case "finish_reason" -> choice.finishReason = text(p, t);
            case "delta" -> {
                choice.hasDelta = t == JsonToken.START_OBJECT;
                if (choice.hasDelta) {
                    names.object(p, deltaMembers);
                } else {
                    p.skipChildren();
                }
            }
            default -> unmodeledIfFirst(p, t, ChunkExtras.CHOICE, name);
        }
    }

    private void deltaMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "content" -> choice.content = text(p, t);
            case "refusal" -> choice.refusal = text(p, t);
            case "reasoning_content" -> choice.reasoningContent = nonEmptyString(p, t);
            case "reasoning" -> choice.reasoning = nonEmptyString(p, t);
            case "tool_calls" -> toolCalls(p, t);
            case "role" -> p.skipChildren();
            default -> unmodeledIfFirst(p, t, ChunkExtras.DELTA, name);
        }
    }

    private void toolCalls(JsonParser p, JsonToken t) throws IOException, MemberNames.Repeated {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            call = choice.addCall(); // an element that is no object is still a call, and takes a block
            if (t == JsonToken.START_OBJECT) {
                names.object(p, callMembers);
            } else {
                p.skipChildren();
            }
        }
    }

    private void callMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "index" -> {
                call.hasIndex = true;
                call.index = isInt(p, t) ? p.getIntValue() : 0;
                call.indexNode = isInt(p, t) ? null : tree(p);
            }
            case "id" -> call.id = text(p, t);
            case "function" -> {
                if (t == JsonToken.START_OBJECT) {
                    names.object(p, functionMembers);
                } else {
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    private void functionMember(JsonParser p, String name, JsonToken t) throws IOException {
        switch (name) {
            case "name" -> call.name = text(p, t);
            case "arguments" -> call.arguments = ChunkValues.arguments(p, t);
            default -> p.skipChildren();
        }
    }

    private void usageMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "prompt_tokens" -> promptTokens = count(p, t);
            case "completion_tokens" -> completionTokens = count(p, t);
            case "total_tokens" -> p.skipChildren();
            case "prompt_tokens_details" -> {
                if (t == JsonToken.START_OBJECT) {
                    names.object(p, promptDetailsMembers);
                } else {
                    p.skipChildren();
                }
            }
            default -> unmodeled(p, t, ChunkExtras.USAGE, name);
        }
    }

    private void promptDetailsMember(JsonParser p, String name, JsonToken t) throws IOException {
        if (name.equals("cached_tokens")) {
            cachedTokens = count(p, t);
        } else {
            unmodeled(p, t, ChunkExtras.PROMPT_DETAILS, name);
        }
    }

    /** A member of a choice or its delta: kept when the choice is the first element of {@code choices}. */
    private void unmodeledIfFirst(JsonParser p, JsonToken t, int place, String name) throws IOException {
        if (firstChoice) {
            unmodeled(p, t, place, name);
        } else {
            p.skipChildren();
        }
    }

    /** A member the decoder does not model: kept as raw JSON unless JSON null (or not wanted), else skipped. */
    private void unmodeled(JsonParser p, JsonToken t, int place, String name) throws IOException {
        if (extras == null || t == JsonToken.VALUE_NULL) {
            p.skipChildren();
        } else {
            extras.add(place, name, p, t);
        }
    }
}
