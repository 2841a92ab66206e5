package dev.caracal.gateway.anthropic.http.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Ids in Anthropic's style: a prefix and 24 base-62 characters ({@code msg_...}, {@code req_...}, {@code toolu_...}). */
final class Ids {
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Ids() {}

    static String random() {
        // ids name calls, they guard nothing: a lock-free generator (SecureRandom serialized every call on
        // /dev/urandom)
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] c = new char[24];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    static String toolUseId() {
        return "toolu_" + random();
    }
}
