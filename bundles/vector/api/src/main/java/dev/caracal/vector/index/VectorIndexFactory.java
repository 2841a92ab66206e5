package dev.caracal.vector.index;

import dev.caracal.vector.Metric;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/** An index type, registered with the service property {@value #TYPE_PROPERTY}. */
@ConsumerType
public interface VectorIndexFactory {
    String TYPE_PROPERTY = "caracal.index.type";

    /** The type name collections ask for ({@code hnsw}, {@code ivf}, ...). */
    String type();

    /**
     * Checks build parameters (from the collection's index spec) and returns them with defaults filled in; throws
     * {@link dev.caracal.vector.InvalidRequestException} naming a bad parameter.
     */
    Map<String, Object> validateBuildParams(Map<String, Object> params);

    /** Checks per-query parameters, clamping or rejecting them; returns the effective values. */
    Map<String, Object> validateQueryParams(Map<String, Object> params);

    /**
     * Whether this index type serves collections of {@code metric}. The default is the three float metrics every
     * index type of API 1.0 served: cosine, dot and L2. A collection whose metric its index type does not support is
     * refused at creation (or, when the plugin arrives later, served by exact scan and reported degraded).
     */
    default boolean supports(Metric metric) {
        return metric == Metric.COSINE || metric == Metric.DOT || metric == Metric.L2;
    }

    /** Create an empty index (or reload a persisted one from the context directory). */
    VectorIndex open(IndexContext context);
}
