package dev.caracal.llm.openai.internal;

import static dev.caracal.llm.openai.internal.ChunkValues.count;
import static dev.caracal.llm.openai.internal.ChunkValues.nonEmptyString;
import static dev.caracal.llm.openai.internal.ChunkValues.text;
import static dev.caracal.llm.openai.internal.ChunkValues.tree;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.MemberNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a non-streamed answer, an OpenAI {@code chat.completion}, token by token into a {@link ChatResponse}: the tree
 * of the whole answer was a tenth of what a gateway call allocated (issue 15). The value of a member the answer does
 * not model is kept as its raw text, copied from its tokens as its tree would write it ({@link RawValues};
 * {@link ResponseExtras}, as {@link ResponseMapper#COMPLETION} collects them from a tree), and only when the client
 * speaks OpenAI's format too; an error member stays a tree.
 *
 * <p>The answer is what {@link ResponseMapper#toResponse(JsonNode, String, boolean)} makes of the body's tree, failures
 * included, which are raised once the whole body has been read (a malformed body is malformed wherever it breaks).
 * What only a tree resolves is left to it: a body that is not an object, or malformed (for the same failure), or one
 * that repeats a member name where the reader walks ({@link MemberNames.Repeated}: the last value at the place of the
 * first). Upstreams send none of these on a successful call, so this costs nothing in practice.
 *
 * <p>One reader per body: not thread-safe.
 */
final class CompletionReader {

    private static final String CHOICE = "/choices/0";
    private static final String MESSAGE = "/choices/0/message";
    private static final String USAGE = "/usage";
    private static final String PROMPT_DETAILS = "/usage/prompt_tokens_details";

    private final boolean keepExtras;
    private final MemberNames names = new MemberNames();

    // What the body said: what the tree-based mapper reads from it, each with its tree's defaults.
    private String id;
    private String model;
    /** The {@code error} member; {@code null} when there is none (JSON null is a {@code NullNode}, no error). */
    private JsonNode error;
    /** How many elements {@code choices} has; -1 when it is no array. */
    private int choiceCount = -1;

    private String finishReason;
    private String content;
    private String refusal;
    private String reasoningContent;
    private String reasoning;
    /** The tool calls of the first choice's message ({@code null}: none), and whether one has no name. */
    private List<ContentPart.ToolUse> calls;

    private boolean namelessCall;
    private Usage usage = Usage.ZERO;
    /** The unmodeled members, in the order the tree-based mapper collects them; made when the first one comes. */
    private Map<String, String> extras;
    /** The text of their values; made with the map. */
    private RawValues values;

    private CompletionReader(boolean keepExtras) {
        this.keepExtras = keepExtras;
    }

    /**
     * The answer in {@code body}, with its unmodeled members as extras when {@code keepExtras}; an
     * {@link LlmException} when it is no answer (malformed, an error, no choices, a tool call without a name).
     */
    static ChatResponse read(String body, String requestedModel, boolean keepExtras) {
        CompletionReader reader = new CompletionReader(keepExtras);
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                reader.names.object(p, reader::rootMember);
                if (p.nextToken() == null) {
                    return reader.response(requestedModel);
                }
            }
        } catch (IOException | MemberNames.Repeated e) {
            // below: the tree says what such a body is, or the failure it is
        }
        JsonNode root = Json.tryParse(body);
        if (root == null) {
            throw HttpErrors.malformed("chat completion", body, null);
        }
        return ResponseMapper.toResponse(root, requestedModel, keepExtras);
    }

    private void rootMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "id" -> id = text(p, t);
            case "model" -> model = text(p, t);
            case "object", "created" -> p.skipChildren();
            case "error" -> error = tree(p);
            case "choices" -> choices(p, t);
            case "usage" -> {
                usage = Usage.ZERO;
                if (t == JsonToken.START_OBJECT) {
                    long[] counts = new long[3];
                    names.object(p, (q, n, v) -> usageMember(q, n, v, counts));
                    usage = new Usage(counts[0], counts[1], counts[2], 0);
                } else {
                    p.skipChildren();
                }
            }
            default -> unmodeled(p, t, "", name);
        }
    }

    /** The answer is the first element; the others are skipped, as the tree-based mapper does not read them. */
    private void choices(JsonParser p, JsonToken t) throws IOException, MemberNames.Repeated {
        choiceCount = -1;
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        choiceCount = 0;
        for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (choiceCount++ == 0 && t == JsonToken.START_OBJECT) {
                names.object(p, this::choiceMember);
            } else {
                p.skipChildren();
            }
        }
    }

    private void choiceMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "index" -> p.skipChildren();
            case "finish_reason" -> finishReason = text(p, t);
            case "message" -> {
                content = null;
                refusal = null;
                reasoningContent = null;
                reasoning = null;
                calls = null;
                namelessCall = false;
                if (t == JsonToken.START_OBJECT) {
                    names.object(p, this::messageMember);
                } else {
                    p.skipChildren(); // no answer, and no members of it
                }
            }
            default -> unmodeled(p, t, CHOICE, name);
        }
    }

    private void messageMember(JsonParser p, String name, JsonToken t) throws IOException, MemberNames.Repeated {
        switch (name) {
            case "content" -> content = text(p, t);
            case "refusal" -> refusal = text(p, t);
            case "reasoning_content" -> reasoningContent = nonEmptyString(p, t);
            case "reasoning" -> reasoning = nonEmptyString(p, t);
            case "role" -> p.skipChildren();
            case "tool_calls" -> {
                calls = null;
                namelessCall = false;
                if (t == JsonToken.START_ARRAY) {
                    calls = new ArrayList<>();
                    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        toolCall(p, t);
                    }
                } else {
                    p.skipChildren();
                }
            }
            default -> unmodeled(p, t, MESSAGE, name);
        }
    }

    /** One element of {@code tool_calls}: its id, name and arguments as the tree-based mapper reads them. */
    private void toolCall(JsonParser p, JsonToken t) throws IOException, MemberNames.Repeated {
        String[] call = {"", "", "{}"}; // id, name, arguments
        if (t == JsonToken.START_OBJECT) {
            names.object(p, (q, name, v) -> {
                if (name.equals("id")) {
                    call[0] = orEmpty(text(q, v));
                } else if (name.equals("function") && v == JsonToken.START_OBJECT) {
                    names.object(q, (r, member, w) -> functionMember(r, member, w, call));
                } else {
                    q.skipChildren();
                }
            });
        } else {
            p.skipChildren();
        }
        if (call[1].isEmpty()) {
            namelessCall = true;
        } else {
            calls.add(new ContentPart.ToolUse(call[0], call[1], call[2]));
        }
    }

    private static void functionMember(JsonParser p, String name, JsonToken t, String[] call) throws IOException {
        switch (name) {
            case "name" -> call[1] = orEmpty(text(p, t));
            case "arguments" -> call[2] = arguments(p, t);
            default -> p.skipChildren();
        }
    }

    /** Tool arguments arrive as a JSON string; a few compatible servers send the object itself. */
    private static String arguments(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return t == JsonToken.VALUE_NULL ? "{}" : Json.write(tree(p));
    }

    /** A member of {@code usage}; {@code counts}: prompt, completion and cached tokens. */
    private void usageMember(JsonParser p, String name, JsonToken t, long[] counts)
            throws IOException, MemberNames.Repeated {
        switch (name) {
            case "prompt_tokens" -> counts[0] = count(p, t);
            case "completion_tokens" -> counts[1] = count(p, t);
            case "total_tokens" -> p.skipChildren();
            case "prompt_tokens_details" -> {
                counts[2] = 0;
                if (t == JsonToken.START_OBJECT) {
                    names.object(p, (q, n, v) -> {
                        if (n.equals("cached_tokens")) {
                            counts[2] = count(q, v);
                        } else {
                            unmodeled(q, v, PROMPT_DETAILS, n);
                        }
                    });
                } else {
                    p.skipChildren();
                }
            }
            default -> unmodeled(p, t, USAGE, name);
        }
    }

    /** A member the answer does not model: kept as raw JSON when wanted and not JSON null, else skipped. */
    private void unmodeled(JsonParser p, JsonToken t, String prefix, String name) throws IOException {
        if (!keepExtras || t == JsonToken.VALUE_NULL) {
            p.skipChildren();
            return;
        }
        if (extras == null) {
            extras = new LinkedHashMap<>();
            values = new RawValues();
        }
        extras.put(prefix + "/" + ChunkExtras.escape(name), values.text(p, t));
    }

    /** The answer read, or the failure it is, in the order the tree-based mapper finds them. */
    private ChatResponse response(String requestedModel) {
        if (error != null && !error.isNull()) {
            throw ResponseMapper.errorIn200(error);
        }
        if (choiceCount <= 0) {
            throw new LlmException(ErrorKind.UPSTREAM, "the upstream answer has no choices", 200, null, null);
        }
        if (namelessCall) {
            throw new LlmException(
                    ErrorKind.UPSTREAM, "the upstream answered a tool call without a name", 200, null, null);
        }
        List<ContentPart> parts = new ArrayList<>(2 + (calls == null ? 0 : calls.size()));
        String thinking = reasoningContent != null ? reasoningContent : reasoning;
        if (thinking != null) {
            parts.add(new ContentPart.Thinking(thinking, null));
        }
        boolean hasText = content != null && !content.isEmpty();
        boolean hasRefusal = refusal != null && !refusal.isEmpty();
        if (hasText) {
            parts.add(new ContentPart.Text(content));
        } else if (hasRefusal) {
            parts.add(new ContentPart.Text(refusal));
        }
        if (calls != null) {
            parts.addAll(calls);
        }
        StopReason stop = ResponseMapper.stopReason(finishReason);
        if (stop == StopReason.END_TURN && !hasText && hasRefusal) {
            stop = StopReason.CONTENT_FILTER;
        }
        ResponseExtras kept = extras == null
                ? ResponseExtras.NONE
                : new ResponseExtras(RequestMapper.FORMAT, ResponseExtras.RESPONSE, extras);
        return new ChatResponse(orEmpty(id), model != null ? model : requestedModel, parts, stop, usage, kept);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
