package dev.caracal.http.jetty.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServletResponse;

/**
 * One of Jetty's own error answers rendered in a surface's shape: the media type and the JSON body. Written by hand
 * (this fragment lives inside Pax Web's Jetty bundle, which sees no JSON library); every message is Caracal's own
 * text, never an exception's.
 */
public record ErrorBody(String contentType, String json) {
    static final String PROBLEM_TYPE_PREFIX = "urn:caracal:problem:";

    public static ErrorBody of(ErrorShape shape, int status, String message) {
        return switch (shape) {
            case PROBLEM ->
                new ErrorBody(
                        "application/problem+json;charset=utf-8",
                        "{\"type\":" + quote(PROBLEM_TYPE_PREFIX + slug(status)) + ",\"title\":" + quote(title(status))
                                + ",\"status\":" + status + ",\"detail\":" + quote(message) + "}");
            case OPENAI ->
                new ErrorBody(
                        "application/json;charset=utf-8",
                        "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(openAiType(status))
                                + ",\"param\":null,\"code\":null}}");
            case ANTHROPIC ->
                new ErrorBody(
                        "application/json;charset=utf-8",
                        "{\"type\":\"error\",\"error\":{\"type\":" + quote(anthropicType(status)) + ",\"message\":"
                                + quote(message) + "}}");
        };
    }

    public byte[] bytes() {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes this body as the response's whole content (status and other headers are the caller's). */
    public void writeTo(HttpServletResponse response) throws IOException {
        byte[] bytes = bytes();
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static String slug(int status) {
        return switch (status) {
            case 400 -> "invalid-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "payload-too-large";
            case 414 -> "uri-too-long";
            case 431 -> "header-too-large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "server-error" : "bad-request";
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Payload too large";
            case 414 -> "URI too long";
            case 431 -> "Request header fields too large";
            case 503 -> "Service unavailable";
            default -> status >= 500 ? "Server error" : "Bad request";
        };
    }

    static String openAiType(int status) {
        if (status == 404) {
            return "not_found_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    static String anthropicType(int status) {
        return switch (status) {
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 503 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
