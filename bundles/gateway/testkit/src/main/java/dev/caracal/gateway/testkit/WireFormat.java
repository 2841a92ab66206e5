package dev.caracal.gateway.testkit;

import java.util.Map;

/**
 * How an ingress's wire format asks and answers, as far as {@link IngressScenarios} need it.
 *
 * @param path the path of the chat endpoint, such as {@code /v1/chat/completions}
 * @param headers the headers its clients send with every call (key, API version) besides the content type
 * @param requiredFields the members every request body needs besides {@code model}, {@code stream} and
 *     {@code messages}, such as Anthropic's {@code max_tokens}
 * @param model a model name the ingress accepts
 * @param textPointer the JSON pointer of the text of a non-streamed answer
 * @param requestIdHeader the header that carries the request id
 * @param requestIdPrefix how every request id starts
 */
public record WireFormat(
        String path,
        Map<String, String> headers,
        Map<String, Object> requiredFields,
        String model,
        String textPointer,
        String requestIdHeader,
        String requestIdPrefix) {}
