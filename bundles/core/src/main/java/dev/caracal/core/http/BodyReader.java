package dev.caracal.core.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.servlet.http.HttpServletRequest;

/** Reads request bodies within a size limit, and parses them as JSON with errors that say where. */
public final class BodyReader {

    private BodyReader() {}

    /**
     * The body's bytes; 413 when it is (or claims to be) over {@code limit}. A declared length is read into an array
     * of exactly that size (no intermediate buffers: this runs on every gateway call); a chunked body grows a small
     * array as it arrives. A body shorter than its declared length is a 400.
     */
    public static byte[] readBytes(HttpServletRequest request, long limit) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = request.getInputStream()) {
            return declared >= 0 ? readDeclared(in, (int) declared) : readLimited(in, limit);
        } catch (ProblemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Jetty fails the read on a malformed chunked body (or a connection closed mid-body): the client's fault
            throw ProblemException.badField(
                    null, "the request body could not be read: its chunked encoding is malformed or it ended early");
        }
    }

    static byte[] readDeclared(InputStream in, int length) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw ProblemException.badField(
                    null, "the request body ended after " + body.length + " of its " + length + " declared bytes");
        }
        return body;
    }

    static byte[] readLimited(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[1024];
        int total = 0;
        int n;
        while ((n = in.read(buf, total, buf.length - total)) > 0) {
            total += n;
            if (total > limit) {
                throw tooLarge(limit);
            }
            if (total == buf.length) {
                if (buf.length >= Integer.MAX_VALUE - 8) {
                    throw tooLarge(limit);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8L, Math.min(limit + 1, 2L * buf.length)));
            }
        }
        return total == buf.length ? buf : Arrays.copyOf(buf, total);
    }

    /** The body as a JSON object; 400 naming the position when malformed or not an object, 413 when too large. */
    public static JsonNode readJsonObject(HttpServletRequest request, long limit) throws IOException {
        return parseJsonObject(readBytes(request, limit));
    }

    public static JsonNode parseJsonObject(byte[] body) {
        if (body.length == 0) {
            throw ProblemException.badField(null, "the request body is empty; expected a JSON object");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", describe(e)));
        } catch (IOException e) {
            throw new ProblemException(
                    Problem.of(400, "malformed-json", "Malformed JSON", "the body is not valid JSON"));
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badField(null, "the request body must be a JSON object");
        }
        return node;
    }

    /** Jackson's complaint in words a client can act on, where it is; never a Java type or an echo of the input. */
    static String describe(JsonProcessingException e) {
        String msg = plain(e.getOriginalMessage());
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            msg = msg + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return msg;
    }

    /**
     * Jackson's messages may name its own classes ("bound as `com.fasterxml...JsonNode`", "as per
     * `DeserializationFeature...`") and quote the source they read ("[Source: (byte[])..."); keep their words, drop
     * those.
     */
    static String plain(String msg) {
        if (msg == null || msg.isBlank()) {
            return "the body is not valid JSON";
        }
        if (msg.startsWith("Trailing token")) {
            return "there is more after the JSON value; the body must be exactly one JSON object";
        }
        int source = msg.indexOf(" (start marker at ");
        if (source >= 0) {
            msg = msg.substring(0, source);
        }
        source = msg.indexOf("[Source:");
        if (source >= 0) {
            msg = msg.substring(0, source).trim();
        }
        msg = msg.replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                .replaceAll(",? from `[^`]*`", "")
                .replaceAll("`[^`]*`", "")
                .trim();
        if (msg.contains("com.fasterxml") || msg.contains("java.") || msg.contains("Exception")) {
            return "the body is not valid JSON";
        }
        return msg;
    }

    private static ProblemException tooLarge(long limit) {
        return new ProblemException(Problem.of(
                        413,
                        "body-too-large",
                        "Request body too large",
                        "the request body exceeds the limit of " + limit
                                + " bytes (dev.caracal.core.http maxBodyBytes)")
                .with("limit", limit));
    }
}
