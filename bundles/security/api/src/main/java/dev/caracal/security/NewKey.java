package dev.caracal.security;

/** A key just created or rotated: its metadata and its secret, which is shown this once and never stored. */
public record NewKey(ApiKey key, String secret) {
    @Override
    public String toString() {
        return "NewKey[" + key + "]"; // never the secret in a log line
    }
}
