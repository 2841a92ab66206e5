package dev.caracal.vector.index.kdtree.internal;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index type {@code kdtree}: an exact k-nearest-neighbour KD-tree for low dimensions (see {@link KdTreeIndex} for
 * when it is the right choice). Metrics l2 and cosine ({@link #supports}); any other is rejected when the index
 * opens.
 *
 * <p>Build parameter: {@code leafSize} (points per leaf, 1..1024, default {@value #DEFAULT_LEAF_SIZE}). It takes
 * no query parameters: answers are always exact.
 */
@Component(
        service = VectorIndexFactory.class,
        property = VectorIndexFactory.TYPE_PROPERTY + "=" + KdTreeIndexFactory.TYPE)
public class KdTreeIndexFactory implements VectorIndexFactory {
    public static final String TYPE = "kdtree";
    static final int DEFAULT_LEAF_SIZE = 16;
    static final int MAX_LEAF_SIZE = 1024;
    /** Above this dimension a KD-tree prunes little; opening one logs a warning. */
    static final int WARN_DIMENSION = 32;

    private static final Logger LOG = LoggerFactory.getLogger(KdTreeIndexFactory.class);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, Object> validateBuildParams(Map<String, Object> params) {
        Map<String, Object> in = params == null ? Map.of() : params;
        for (String name : in.keySet()) {
            if (!name.equals("leafSize")) {
                throw new InvalidRequestException(
                        "index." + name, "unknown parameter '" + name + "'; kdtree takes leafSize");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Object leaf = in.get("leafSize");
        out.put("leafSize", leaf == null ? DEFAULT_LEAF_SIZE : leafSize(leaf));
        return out;
    }

    private static int leafSize(Object value) {
        String range = " (1.." + MAX_LEAF_SIZE + ")";
        if (!(value instanceof Number n)) {
            throw new InvalidRequestException(
                    "index.leafSize", "leafSize must be an integer" + range + "; got '" + value + "'");
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || d < 1 || d > MAX_LEAF_SIZE) {
            throw new InvalidRequestException(
                    "index.leafSize", "leafSize must be an integer" + range + "; got " + value);
        }
        return (int) d;
    }

    @Override
    public Map<String, Object> validateQueryParams(Map<String, Object> params) {
        if (params != null && !params.isEmpty()) {
            String name = params.keySet().iterator().next();
            throw new InvalidRequestException(
                    "params." + name,
                    "unknown parameter '" + name + "'; kdtree takes no query parameters (its answers are exact)");
        }
        return new LinkedHashMap<>();
    }

    /** L2 and cosine: the tree ranks by Euclidean distance, which ranks unit-length cosine vectors too. */
    @Override
    public boolean supports(Metric metric) {
        return metric == Metric.L2 || metric == Metric.COSINE;
    }

    @Override
    public VectorIndex open(IndexContext context) {
        if (!supports(context.metric())) {
            throw new InvalidRequestException(
                    "index.type",
                    "kdtree supports l2 and cosine, not "
                            + (context.metric() == null
                                    ? "null"
                                    : context.metric().id()));
        }
        int leafSize = ((Number) validateBuildParams(context.spec().params()).get("leafSize")).intValue();
        int dim = context.vectors().dimension();
        if (dim > WARN_DIMENSION) {
            LOG.warn(
                    "Collection '{}': a kdtree index for dimension {} prunes little above ~{} dimensions and "
                            + "degrades towards a linear scan; flat or hnsw serve such vectors better",
                    context.collection(),
                    dim,
                    20);
        }
        return new KdTreeIndex(context.collection(), context.vectors(), context.metric(), leafSize);
    }
}
