package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.openai.http.codec.OpenAiError;

/** Thrown inside a servlet to answer with an OpenAI error; {@link OpenAiServlet} writes it. */
final class OpenAiErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient OpenAiError error;

    OpenAiErrorException(OpenAiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    OpenAiError error() {
        return error;
    }
}
