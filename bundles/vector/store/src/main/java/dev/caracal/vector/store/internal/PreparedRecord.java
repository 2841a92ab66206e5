package dev.caracal.vector.store.internal;

import java.util.Map;

/**
 * A record ready to be written: validated, embedded, encoded. Ids within one upsert are unique.
 *
 * @param vector   the vector as the user gave it (or as embedded), a private copy
 * @param metadata the parsed metadata, as filters and postings read it
 * @param payload  the durable {@link RecordCodec} payload: id, vector checksum, metadata, text, edges
 */
record PreparedRecord(String id, float[] vector, Map<String, Object> metadata, byte[] payload) {}
