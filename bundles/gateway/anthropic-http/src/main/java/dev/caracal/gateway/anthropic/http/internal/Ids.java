package dev.caracal.gateway.anthropic.http.internal;

import java.security.SecureRandom;

/** Ids in Anthropic's style: a prefix and 24 base-62 characters ({@code msg_...}, {@code req_...}, {@code toolu_...}). */
final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    static String random() {
        char[] c = new char[24];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    static String toolUseId() {
        return "toolu_" + random();
    }
}
