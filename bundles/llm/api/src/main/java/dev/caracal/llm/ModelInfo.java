package dev.caracal.llm;

import java.util.Objects;

/** A model offered by a provider instance. */
public record ModelInfo(String id, String providerId, Capabilities capabilities) {
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(providerId, "providerId");
        capabilities = capabilities == null ? Capabilities.TEXT_CHAT : capabilities;
    }
}
