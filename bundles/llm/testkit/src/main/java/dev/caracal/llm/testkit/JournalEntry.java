package dev.caracal.llm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One request aimock recorded: the method, path and headers it received, its body as aimock normalized it (for chat
 * completions the JSON the client sent, plus aimock's {@code _endpointType}), the status answered and, for an
 * interrupted stream or a fault, why. {@code status} is 0 when the connection was destroyed before a status line.
 */
public record JournalEntry(
        String id,
        long timestamp,
        String method,
        String path,
        Map<String, String> headers,
        JsonNode body,
        int status,
        boolean interrupted,
        String interruptReason,
        String chaosAction) {

    public JournalEntry {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A request header (names are lower case, as Node reports them). */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
