package dev.caracal.security.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key secrets: {@code ck_} and 43 characters of URL-safe base64 (256 random bits), so that a leaked key is easy
 * to recognize (and for secret scanners to find). Only a SHA-256 of a secret is stored: with 256 random bits there
 * is nothing to guess offline, so a slow password hash would only slow every request. Key ids are random too, so
 * they say nothing about creation order.
 */
final class Secrets {
    static final String KEY_PREFIX = "ck_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Secrets::sha256);

    private Secrets() {}

    /** A new secret: {@code ck_} and 43 URL-safe characters. */
    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return KEY_PREFIX + URL.encodeToString(b);
    }

    /** A new key id: {@code key_} and 16 hex digits. */
    static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return "key_" + HexFormat.of().formatHex(b);
    }

    /** A new password for the console: 24 URL-safe characters (144 random bits). */
    static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return URL.encodeToString(b);
    }

    /** The SHA-256 of a presented secret. */
    static byte[] hash(String secret) {
        MessageDigest md = SHA256.get();
        md.reset();
        return md.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What listings show of a secret: {@code ck_} and 8 characters of a generated key, or the first 4 characters of
     * one set from the environment (which may be short), followed by an ellipsis.
     */
    static String prefixOf(String secret) {
        int n = secret.startsWith(KEY_PREFIX) && secret.length() >= 24 ? 11 : Math.min(4, secret.length() / 4);
        return secret.substring(0, n) + "...";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
