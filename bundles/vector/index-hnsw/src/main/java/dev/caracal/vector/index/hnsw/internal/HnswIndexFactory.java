package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code hnsw} index type. */
@Component(
        service = VectorIndexFactory.class,
        property = VectorIndexFactory.TYPE_PROPERTY + "=" + HnswIndexFactory.TYPE)
public final class HnswIndexFactory implements VectorIndexFactory {
    static final String TYPE = "hnsw";
    private static final Logger LOG = LoggerFactory.getLogger(HnswIndexFactory.class);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> validateBuildParams(Map<String, Object> params) {
        return HnswParams.parse(params).toMap();
    }

    @Override
    public Map<String, Object> validateQueryParams(Map<String, Object> params) {
        return HnswParams.parseQuery(params);
    }

    /** Every metric: cosine, dot, l2, manhattan, hamming and jaccard (each with its own distance kernel). */
    @Override
    public boolean supports(Metric metric) {
        return metric != null;
    }

    @Override
    public VectorIndex open(IndexContext context) {
        HnswParams params = HnswParams.parse(context.spec().params());
        HnswIndex loaded = HnswIndex.loadIfPresent(context, params);
        if (loaded != null) {
            LOG.info(
                    "Collection '{}': loaded a persisted hnsw graph ({} vectors, {} ordinals covered)",
                    context.collection(),
                    loaded.size(),
                    loaded.restoredOrdinals());
            return loaded;
        }
        return new HnswIndex(context, params);
    }
}
