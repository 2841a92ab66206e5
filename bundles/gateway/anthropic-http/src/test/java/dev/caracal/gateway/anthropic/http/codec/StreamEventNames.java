package dev.caracal.gateway.anthropic.http.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The event names of a whole Messages stream, as the tests expect them, built from the shape of its content. */
public final class StreamEventNames {
    private StreamEventNames() {}

    /**
     * What the gateway writes for a stream whose content blocks carry {@code deltas[i]} deltas each:
     * {@code message_start}, then each block's start, deltas and stop ({@code ping} after the first start), then
     * {@code message_delta} and {@code message_stop}.
     */
    public static List<String> onTheWire(int... deltas) {
        List<String> names = new ArrayList<>();
        names.add("message_start");
        for (int block = 0; block < deltas.length; block++) {
            names.add("content_block_start");
            if (block == 0) {
                names.add("ping");
            }
            names.addAll(Collections.nCopies(deltas[block], "content_block_delta"));
            names.add("content_block_stop");
        }
        names.add("message_delta");
        names.add("message_stop");
        return names;
    }

    /** The same stream as the Anthropic SDK hands its events to the caller: without the {@code ping}. */
    public static List<String> seenBySdk(int... deltas) {
        List<String> names = onTheWire(deltas);
        names.remove("ping");
        return names;
    }
}
