package dev.caracal.gateway.openai.http.responses;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ids the Responses API hands out, shaped as OpenAI's: {@code resp_}, {@code msg_}, {@code fc_}, {@code fco_},
 * {@code rs_} followed by 48 hexadecimal digits. An id names an object, it guards nothing: a stored response is found
 * only within its tenant, whoever knows its id.
 */
public final class ResponseIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int DIGITS = 48;

    private ResponseIds() {}

    public static String response() {
        return of("resp_");
    }

    static String message() {
        return of("msg_");
    }

    static String functionCall() {
        return of("fc_");
    }

    static String functionCallOutput() {
        return of("fco_");
    }

    static String reasoning() {
        return of("rs_");
    }

    private static String of(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(prefix.length() + DIGITS).append(prefix);
        for (int i = 0; i < DIGITS; i++) {
            sb.append(HEX[random.nextInt(HEX.length)]);
        }
        return sb.toString();
    }

    /** Whether {@code id} has the shape of a response id (a client's typo is a 404, not a lookup of anything). */
    public static boolean isResponseId(String id) {
        if (id == null || !id.startsWith("resp_") || id.length() > 5 + 128) {
            return false;
        }
        for (int i = 5; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '-') {
                return false;
            }
        }
        return id.length() > 5;
    }
}
