package dev.caracal.llm;

/**
 * What an upstream said about its own failure, kept so that the client's error can carry it: the vendor's error
 * {@code type} and {@code code}, the request {@code param} it blames, and the upstream's request id (what the vendor's
 * support asks for). {@code format} is the wire format the upstream speaks ({@code openai}, {@code anthropic},
 * {@code ollama}): an ingress of the same format passes {@code type}, {@code code} and {@code param} on as they are;
 * another translates the failure by its {@link ErrorKind} and keeps only the request id. Any field may be
 * {@code null}.
 */
public record UpstreamError(String format, String type, String code, String param, String requestId) {
    /** Whether the upstream speaks {@code ingressFormat}, so its type, code and param mean the same to the client. */
    public boolean sameFormatAs(String ingressFormat) {
        return format != null && format.equals(ingressFormat);
    }
}
