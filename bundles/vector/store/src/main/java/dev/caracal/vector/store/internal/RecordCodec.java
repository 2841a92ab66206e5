package dev.caracal.vector.store.internal;

import dev.caracal.vector.Edge;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The durable form of a record's non-vector parts, one byte array per ordinal in the {@code records} map (the vector
 * lives in {@link VectorFile}):
 * <pre>
 * u8     format (1)
 * varint id length, id (UTF-8)
 * u32    CRC32C of the vector's bytes in the vector file ({@link VectorChecksum})
 * varint metadata length, metadata JSON (UTF-8; 0 = empty object)
 * varint text length + 1 (0 = no text), text (UTF-8)
 * varint edge count, then per edge: varint length, target (UTF-8), varint length, type (UTF-8), float64 weight (LE)
 * </pre>
 */
final class RecordCodec {
    static final byte FORMAT = 1;

    private RecordCodec() {}

    /** Encodes a validated record; {@code metadataJson} is the already serialized metadata. */
    static byte[] encode(String id, int vectorChecksum, byte[] metadataJson, String text, List<Edge> edges) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] textBytes = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        byte[][] edgeBytes = new byte[edges.size() * 2][];
        int size = 1
                + 5
                + idBytes.length
                + 4
                + 5
                + metadataJson.length
                + 5
                + (textBytes == null ? 0 : textBytes.length)
                + 5;
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            edgeBytes[2 * i] = e.target().getBytes(StandardCharsets.UTF_8);
            edgeBytes[2 * i + 1] = e.type().getBytes(StandardCharsets.UTF_8);
            size += 10 + edgeBytes[2 * i].length + edgeBytes[2 * i + 1].length + 8;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FORMAT);
        putBytes(b, idBytes);
        b.putInt(vectorChecksum);
        putBytes(b, metadataJson);
        if (textBytes == null) {
            putVarInt(b, 0);
        } else {
            putVarInt(b, textBytes.length + 1);
            b.put(textBytes);
        }
        putVarInt(b, edges.size());
        for (int i = 0; i < edges.size(); i++) {
            putBytes(b, edgeBytes[2 * i]);
            putBytes(b, edgeBytes[2 * i + 1]);
            b.putDouble(edges.get(i).weight());
        }
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    /** A decoded payload; parts not asked for are {@code null}. */
    record Decoded(String id, int vectorChecksum, Map<String, Object> metadata, String text, List<Edge> edges) {}

    static Decoded decode(byte[] payload, boolean metadata, boolean text, boolean edges) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        byte format = b.get();
        if (format != FORMAT) {
            throw new IllegalStateException("unknown record format " + format);
        }
        String id = getString(b);
        int checksum = b.getInt();
        int metaLen = getVarInt(b);
        Map<String, Object> meta = metadata ? JsonCodec.readObject(payload, b.position(), metaLen) : null;
        b.position(b.position() + metaLen);
        int textLen = getVarInt(b);
        String t = null;
        if (textLen > 0) {
            if (text) {
                t = new String(payload, b.position(), textLen - 1, StandardCharsets.UTF_8);
            }
            b.position(b.position() + textLen - 1);
        }
        List<Edge> es = null;
        if (edges) {
            int n = getVarInt(b);
            es = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String target = getString(b);
                String type = getString(b);
                es.add(new Edge(target, type, b.getDouble()));
            }
        }
        return new Decoded(id, checksum, meta, t, es);
    }

    /** Whether the record of {@code payload} has a text (read without decoding anything). */
    static boolean hasText(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        int idLen = getVarInt(b);
        b.position(b.position() + idLen + 4);
        int metaLen = getVarInt(b);
        b.position(b.position() + metaLen);
        return getVarInt(b) > 0;
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        putVarInt(b, bytes.length);
        b.put(bytes);
    }

    private static String getString(ByteBuffer b) {
        int len = getVarInt(b);
        String s = new String(b.array(), b.position(), len, StandardCharsets.UTF_8);
        b.position(b.position() + len);
        return s;
    }

    static void putVarInt(ByteBuffer b, int value) {
        while ((value & ~0x7F) != 0) {
            b.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        b.put((byte) value);
    }

    static int getVarInt(ByteBuffer b) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte x = b.get();
            result |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("malformed varint");
    }
}
