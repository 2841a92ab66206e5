package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.gateway.openai.http.responses.ResponseIds;
import dev.caracal.gateway.openai.http.responses.ResponsesRequest;
import dev.caracal.gateway.openai.http.store.ResponseStore;
import dev.caracal.gateway.openai.http.store.ResponseStoreException;
import dev.caracal.gateway.openai.http.store.StoredResponse;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored responses as the Responses servlets use them, within one tenant (the request's principal's), every
 * failure an OpenAI error: an id the tenant does not have is a 404 whoever else has it, a store that is not running a
 * 503, a conversation too long to store a 400.
 */
final class StoredResponses {
    private static final Logger LOG = LoggerFactory.getLogger(StoredResponses.class);

    private final ResponseStore store;
    private final String tenant;

    private StoredResponses(ResponseStore store, String tenant) {
        this.store = store;
        this.tenant = tenant;
    }

    /** The store as {@code tenant} sees it; a 503 when {@code store} is null (not running). */
    static StoredResponses of(ResponseStore store, String tenant) {
        if (store == null) {
            throw new OpenAiErrorException(OpenAiError.of(
                    503,
                    OpenAiError.SERVER,
                    "Stored responses are not available right now (see the log and caracal:status); send "
                            + "'store': false without 'previous_response_id' to answer without them.",
                    null,
                    "store_unavailable"));
        }
        return new StoredResponses(store, tenant);
    }

    /** The response {@code id} of this tenant; else a 404 naming {@code param} (null for a path). */
    StoredResponse get(String id, String param) {
        if (ResponseIds.isResponseId(id)) {
            try {
                var found = store.find(tenant, id);
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (ResponseStoreException e) {
                throw unavailable(e);
            }
        }
        throw new OpenAiErrorException(notFound(id, param));
    }

    /** Deletes the response {@code id} of this tenant; else a 404. */
    void delete(String id) {
        boolean deleted;
        try {
            deleted = ResponseIds.isResponseId(id) && store.delete(tenant, id);
        } catch (ResponseStoreException e) {
            throw unavailable(e);
        }
        if (!deleted) {
            throw new OpenAiErrorException(notFound(id, null));
        }
    }

    /**
     * The conversation of {@code request}: the items of the response it continues (that response's input, then its
     * output) and then its own input. Longer than one stored response may be, it is a 400 on
     * {@code previous_response_id}.
     */
    List<ObjectNode> conversation(ResponsesRequest request) {
        List<ObjectNode> items = new ArrayList<>();
        if (request.previousResponseId() != null) {
            StoredResponse previous = get(request.previousResponseId(), "previous_response_id");
            items.addAll(objects(read(previous.input())));
            items.addAll(objects(read(previous.response()).path("output")));
            long size = previous.size();
            for (ObjectNode item : request.input()) {
                size += item.toString().length();
            }
            if (size > store.maxChars()) {
                throw new OpenAiErrorException(OpenAiError.of(
                        400,
                        OpenAiError.INVALID_REQUEST,
                        "The conversation of 'previous_response_id' is longer than one stored response may be ("
                                + store.maxChars() + " characters); start a new conversation.",
                        "previous_response_id",
                        "conversation_too_long"));
            }
        }
        items.addAll(request.input());
        return items;
    }

    /** Keeps {@code response} with its {@code conversation}; a failure is answered, the answer is not sent. */
    void save(String id, long createdAt, ObjectNode response, List<ObjectNode> conversation) {
        ArrayNode input = JsonNodeFactory.instance.arrayNode();
        input.addAll(conversation);
        try {
            store.save(new StoredResponse(tenant, id, createdAt, response.toString(), input.toString()));
        } catch (ResponseStoreException e) {
            if (e.tooLarge()) {
                throw new OpenAiErrorException(OpenAiError.of(
                        400,
                        OpenAiError.INVALID_REQUEST,
                        "The response cannot be stored: " + e.getMessage() + ". Send 'store': false, or start a "
                                + "new conversation.",
                        "store",
                        "conversation_too_long"));
            }
            throw unavailable(e);
        }
    }

    private static OpenAiErrorException unavailable(ResponseStoreException e) {
        String incident = Long.toHexString(System.nanoTime());
        LOG.error("The stored responses failed (incident {})", incident, e);
        return new OpenAiErrorException(OpenAiError.of(
                503,
                OpenAiError.SERVER,
                "Stored responses failed; see the log for incident " + incident + ".",
                null,
                "store_unavailable"));
    }

    static OpenAiError notFound(String id, String param) {
        return OpenAiError.of(
                404,
                OpenAiError.INVALID_REQUEST,
                "No response with id '" + id + "' found.",
                param,
                "response_not_found");
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw unavailable(
                    ResponseStoreException.failed("a stored response is not JSON: " + e.getOriginalMessage(), e));
        }
    }

    private static List<ObjectNode> objects(JsonNode array) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n instanceof ObjectNode o) {
                out.add(o);
            }
        }
        return out;
    }
}
