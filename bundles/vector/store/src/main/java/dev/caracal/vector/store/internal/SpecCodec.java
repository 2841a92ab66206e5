package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A collection's spec and creation time as the JSON string kept in its store's {@code meta} map. */
final class SpecCodec {
    static final int FORMAT = 1;

    private SpecCodec() {}

    record Stored(CollectionSpec spec, Instant createdAt) {}

    static String write(CollectionSpec spec, Instant createdAt) {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("type", spec.index().type());
        index.put("params", spec.index().params());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("name", spec.name());
        m.put("dimension", spec.dimension());
        m.put("metric", spec.metric().id());
        m.put("embeddingModel", spec.embeddingModel());
        m.put("index", index);
        m.put("createdAt", createdAt.toEpochMilli());
        return new String(JsonCodec.writeObject(m, "spec"), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Stored read(String json) {
        Map<String, Object> m = JsonCodec.readObject(json.getBytes(StandardCharsets.UTF_8));
        int format = ((Number) m.get("format")).intValue();
        if (format != FORMAT) {
            throw new IllegalStateException("unknown collection format " + format);
        }
        Map<String, Object> index = (Map<String, Object>) m.get("index");
        CollectionSpec spec = new CollectionSpec(
                (String) m.get("name"),
                ((Number) m.get("dimension")).intValue(),
                Metric.parse("metric", (String) m.get("metric")),
                (String) m.get("embeddingModel"),
                new IndexSpec((String) index.get("type"), (Map<String, Object>) index.get("params")));
        return new Stored(spec, Instant.ofEpochMilli(((Number) m.get("createdAt")).longValue()));
    }
}
