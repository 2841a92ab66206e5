package dev.caracal.core.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.servlet.http.HttpServletRequest;

/** Reads request bodies within a size limit, and parses them as JSON with errors that say where. */
public final class BodyReader {

    private BodyReader() {
    }

    /** The body's bytes; 413 when it is (or claims to be) over {@code limit}. */
    public static byte[] readBytes(HttpServletRequest request, long limit) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = request.getInputStream()) {
            return readLimited(in, limit);
        }
    }

    static byte[] readLimited(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[16384];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > limit) {
                throw tooLarge(limit);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
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
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badField(null, "the request body must be a JSON object");
        }
        return node;
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            msg = msg + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return msg;
    }

    private static ProblemException tooLarge(long limit) {
        return new ProblemException(Problem.of(413, "body-too-large", "Request body too large",
                "the request body exceeds the limit of " + limit + " bytes (dev.caracal.core.http maxBodyBytes)")
                .with("limit", limit));
    }
}
