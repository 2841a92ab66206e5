package dev.caracal.vector.index.lsh.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Index type {@code lsh}: locality-sensitive hashing. Random hyperplanes (SimHash) for cosine and dot (hashing the
 * direction), p-stable Gaussian projections for l2; multi-probe; every candidate is re-ranked exactly on the
 * index's own copy of the vectors. See {@link LshParams} for the parameters.
 */
@Component(service = VectorIndexFactory.class, property = VectorIndexFactory.TYPE_PROPERTY + "=" + LshIndexFactory.TYPE)
public class LshIndexFactory implements VectorIndexFactory {
    public static final String TYPE = "lsh";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> validateBuildParams(Map<String, Object> params) {
        return LshParams.validateBuild(params);
    }

    @Override
    public Map<String, Object> validateQueryParams(Map<String, Object> params) {
        return LshParams.validateQuery(params);
    }

    /** Refuses a metric it does not serve (the store asks {@link #supports} first) rather than mis-score it. */
    @Override
    public VectorIndex open(IndexContext context) {
        Metric metric = context.metric();
        if (!supports(metric)) {
            throw new IllegalArgumentException("the lsh index does not support the metric '"
                    + (metric == null ? null : metric.id()) + "'; it serves cosine, dot and l2");
        }
        return new LshIndex(context, LshParams.parseBuild(context.spec().params()));
    }
}
