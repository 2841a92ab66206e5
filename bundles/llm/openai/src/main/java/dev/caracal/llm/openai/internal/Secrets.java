package dev.caracal.llm.openai.internal;

/** Keeps the API key out of every message this bundle produces (the upstream may echo parts of it). */
final class Secrets {

    static final Secrets NONE = new Secrets("");

    private final String apiKey;

    Secrets(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey;
    }

    String redact(String text) {
        if (text == null || apiKey.length() < 4) {
            return text;
        }
        return text.replace(apiKey, "***");
    }

    @Override
    public String toString() {
        return "Secrets[***]";
    }
}
