package dev.caracal.vector.store.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the collection and index specs a user asks for into the ones stored: every field checked (bad input is an
 * {@link InvalidRequestException} that names it), the dimension taken from the embedding model when not given, the
 * index type normalized and known, its parameters validated by its plugin with the plugin's defaults filled in.
 */
final class SpecResolver {
    private final PluginRegistry plugins;

    SpecResolver(PluginRegistry plugins) {
        this.plugins = plugins;
    }

    /** The spec of a new collection as it will be stored. */
    CollectionSpec resolve(CollectionSpec spec) {
        if (spec == null) {
            throw new InvalidRequestException("spec", "a collection spec is required");
        }
        String name = Requests.collectionName(spec.name(), "name");
        String modelName = spec.embeddingModel();
        if (modelName != null) {
            modelName = modelName.trim();
            if (modelName.isEmpty()) {
                throw new InvalidRequestException("embedding", "the embedding model name must not be blank");
            }
        }
        int dimension = spec.dimension();
        if (dimension == 0) {
            if (modelName == null) {
                throw new InvalidRequestException(
                        "dimension",
                        "give a dimension (1 to " + Requests.MAX_DIMENSION + ") or an embedding model to take it from");
            }
            EmbeddingModel m = plugins.model(modelName);
            if (m == null) {
                throw missingModel(modelName);
            }
            dimension = m.dimension();
        } else if (dimension < 0 || dimension > Requests.MAX_DIMENSION) {
            throw new InvalidRequestException(
                    "dimension",
                    "the dimension must be between 1 and " + Requests.MAX_DIMENSION + "; got " + dimension);
        } else if (modelName != null) {
            EmbeddingModel m = plugins.model(modelName);
            if (m != null && m.dimension() != dimension) {
                throw new InvalidRequestException(
                        "dimension",
                        "embedding model '" + modelName + "' produces " + m.dimension() + "-dimensional vectors, not "
                                + dimension);
            }
        }
        IndexSpec index = resolveIndex(spec.index(), spec.metric());
        return new CollectionSpec(name, dimension, spec.metric(), modelName, index);
    }

    /**
     * A model that is not bound now: a 400 naming {@code embedding} when no model of that name has been seen since the
     * store started (a typo, or a provider not installed), a retryable 503 when it was bound and left (its plugin is
     * being updated).
     */
    private RuntimeException missingModel(String name) {
        if (plugins.modelKnown(name)) {
            return new EmbeddingUnavailableException(name);
        }
        List<String> available = plugins.availableModels();
        return new InvalidRequestException(
                "embedding",
                "no embedding model '" + name + "' is installed; "
                        + (available.isEmpty()
                                ? "none is (install one, e.g. feature:install caracal-llm-embeddings-onnx)"
                                : "installed: " + String.join(", ", available)));
    }

    /**
     * The index spec as stored: the type normalized and known ({@code flat} or a registered plugin's), the parameters
     * validated by the plugin with its defaults filled in.
     */
    IndexSpec resolveIndex(IndexSpec index, Metric metric) {
        String type = PluginRegistry.normalizeType(index.type());
        Map<String, Object> params = index.params();
        if (IndexSpec.FLAT.equals(type)) {
            return new IndexSpec(type, QuantizedFlat.validateBuildParams(params, metric));
        }
        VectorIndexFactory f = plugins.factory(type);
        if (f == null) {
            throw new InvalidRequestException(
                    "index.type",
                    "unknown index type '" + index.type() + "'; available: "
                            + String.join(", ", plugins.availableIndexTypes()));
        }
        if (!PluginRegistry.supports(f, metric)) {
            throw new InvalidRequestException(
                    "index.type",
                    "index type '" + type + "' does not support the " + metric.id()
                            + " metric; use flat (exact scan serves every metric) or another index type");
        }
        return new IndexSpec(type, f.validateBuildParams(params));
    }

    /** Same type and parameters; numbers compare by value (a stored 16L equals a validated 16). */
    static boolean sameIndex(IndexSpec a, IndexSpec b) {
        if (!a.type().equals(b.type()) || a.params().size() != b.params().size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.params().entrySet()) {
            Object x = e.getValue();
            Object y = b.params().get(e.getKey());
            if (x instanceof Number nx && y instanceof Number ny) {
                boolean integral = !(nx instanceof Double || nx instanceof Float)
                        && !(ny instanceof Double || ny instanceof Float);
                if (integral
                        ? nx.longValue() != ny.longValue()
                        : Double.compare(nx.doubleValue(), ny.doubleValue()) != 0) {
                    return false;
                }
            } else if (!Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }
}
