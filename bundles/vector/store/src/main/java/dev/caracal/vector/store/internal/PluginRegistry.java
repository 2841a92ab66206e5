package dev.caracal.vector.store.internal;

import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.text.TextIndexFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins the store can use right now: embedding models by name, vector index factories by type, text index
 * factories, and the built-in int8 flat index. Of several plugins with the same name or type, the earliest bound
 * serves; a later one takes over when it leaves.
 *
 * <p>It attaches plugins to one collection at a time ({@link #attachIndex}, {@link #attachText}); the
 * {@link CollectionRegistry} fans arrivals and departures out to every open collection, under its lock.
 */
final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, List<EmbeddingModel>> models = new ConcurrentHashMap<>();
    private final Map<String, List<VectorIndexFactory>> factories = new ConcurrentHashMap<>();
    private final Map<VectorIndexFactory, String> factoryTypes = new ConcurrentHashMap<>();
    /** Text-index plugins, the one in use first (the earliest bound; a later one takes over when it leaves). */
    private final List<TextIndexFactory> textFactories = new CopyOnWriteArrayList<>();
    /** The built-in int8 flat index type (flat with quantization int8); it searches with the store's scanner. */
    private volatile VectorIndexFactory flatInt8;

    /** Sets the built-in int8 flat index of the store now starting (it scans with that start's threads). */
    void useFlatInt8(VectorIndexFactory factory) {
        this.flatInt8 = factory;
    }

    // ---- embedding models

    void addModel(EmbeddingModel model, Map<String, Object> properties) {
        String name = modelName(model, properties);
        models.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(model);
        LOG.info("Embedding model '{}' is available", name);
    }

    void removeModel(EmbeddingModel model, Map<String, Object> properties) {
        String name = modelName(model, properties);
        List<EmbeddingModel> list = models.get(name);
        if (list != null) {
            list.remove(model);
        }
        LOG.info("Embedding model '{}' left", name);
    }

    /** The model serving {@code name}, or {@code null} when none is bound. */
    EmbeddingModel model(String name) {
        List<EmbeddingModel> list = models.get(name);
        if (list == null) {
            return null;
        }
        for (EmbeddingModel m : list) {
            return m;
        }
        return null;
    }

    /**
     * Whether a model of this name has been registered since the store started (it may have left since: a plugin
     * being updated). A name never seen is a client's mistake; one that left is a passing outage.
     */
    boolean modelKnown(String name) {
        return models.containsKey(name);
    }

    /** Names of the embedding models bound now, sorted. */
    List<String> availableModels() {
        List<String> out = new ArrayList<>();
        models.forEach((n, l) -> {
            if (!l.isEmpty()) {
                out.add(n);
            }
        });
        out.sort(null);
        return out;
    }

    private static String modelName(EmbeddingModel model, Map<String, Object> properties) {
        Object p = properties == null ? null : properties.get(LlmProperties.EMBEDDING_MODEL);
        return p != null ? p.toString() : model.name();
    }

    // ---- vector index factories

    /** The index type a factory serves: its service property, else what the factory says; normalized. */
    static String indexType(VectorIndexFactory factory, Map<String, Object> properties) {
        Object p = properties == null ? null : properties.get(VectorIndexFactory.TYPE_PROPERTY);
        return normalizeType(p != null ? p.toString() : factory.type());
    }

    /** Records an index factory under its {@link #indexType type}. */
    void addIndexFactory(VectorIndexFactory factory, String type) {
        factoryTypes.put(factory, type);
        factories.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(factory);
        LOG.info("Index type '{}' is available", type);
    }

    /** Forgets an index factory; returns its type, or {@code null} when it was not recorded. */
    String removeIndexFactory(VectorIndexFactory factory) {
        String type = factoryTypes.remove(factory);
        if (type == null) {
            return null;
        }
        List<VectorIndexFactory> list = factories.get(type);
        if (list != null) {
            list.remove(factory);
        }
        LOG.info("Index type '{}' left", type);
        return type;
    }

    /** The plugin serving index type {@code type} (normalized), or {@code null} when none is bound. */
    VectorIndexFactory factory(String type) {
        List<VectorIndexFactory> list = factories.get(type);
        if (list == null) {
            return null;
        }
        for (VectorIndexFactory f : list) {
            return f;
        }
        return null;
    }

    /** The factory serving {@code spec}: the built-in one for int8 flat, none for exact flat, else a plugin. */
    VectorIndexFactory factoryFor(IndexSpec spec) {
        if (QuantizedFlat.isQuantized(spec)) {
            return flatInt8;
        }
        return IndexSpec.FLAT.equals(spec.type()) ? null : factory(spec.type());
    }

    /** Index types a collection may ask for now: {@code flat} and every registered plugin's. */
    List<String> availableIndexTypes() {
        Set<String> types = new TreeSet<>();
        factories.forEach((t, l) -> {
            if (!l.isEmpty()) {
                types.add(t);
            }
        });
        types.remove(IndexSpec.FLAT);
        List<String> out = new ArrayList<>();
        out.add(IndexSpec.FLAT);
        out.addAll(types);
        return out;
    }

    /** Whether the factory serves {@code metric}; a factory that fails to answer does not. */
    static boolean supports(VectorIndexFactory f, Metric metric) {
        try {
            return f.supports(metric);
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String normalizeType(String type) {
        return type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    }

    // ---- text index factories

    void addTextFactory(TextIndexFactory factory) {
        textFactories.add(factory);
        LOG.info("Text index type '{}' is available", factory.type());
    }

    /** Forgets a text index factory; returns whether it was recorded. */
    boolean removeTextFactory(TextIndexFactory factory) {
        if (!textFactories.remove(factory)) {
            return false;
        }
        LOG.info("Text index type '{}' left", factory.type());
        return true;
    }

    // ---- attaching plugins to a collection

    /** Gives the collection's index slot the factory of its type, when it lacks one and one is bound. */
    void attachIndex(StoredCollection c) {
        if (!c.index.needsFactory()) {
            return;
        }
        VectorIndexFactory f = factoryFor(c.index.spec());
        if (f != null && supports(f, c.spec.metric())) {
            c.index.attach(f);
        } else if (f != null) {
            LOG.warn(
                    "Collection '{}': index type '{}' does not support the {} metric; it is searched by exact scan",
                    c.label,
                    c.index.type(),
                    c.spec.metric().id());
        }
    }

    /**
     * Takes a departing index factory away from the collection, if it served it, and attaches another of the same
     * type when one is bound; until then the collection is searched by exact scan.
     */
    void detachIndex(StoredCollection c, VectorIndexFactory factory, String type) {
        if (c.index.detach(factory)) {
            LOG.info("Collection '{}' now searches by exact scan until a '{}' index is back", c.label, type);
            attachIndex(c); // another factory of the same type, if any
        }
    }

    /** Gives the collection's text slot the text index factory in use, when it lacks one and one is bound. */
    void attachText(StoredCollection c) {
        if (!c.text.needsFactory()) {
            return;
        }
        for (TextIndexFactory f : textFactories) {
            c.text.attach(f);
            return;
        }
    }

    /** Takes a departing text index factory away from the collection, attaching another one if any is bound. */
    void detachText(StoredCollection c, TextIndexFactory factory) {
        if (c.text.detach(factory)) {
            attachText(c); // another text-index plugin, if any
        }
    }
}
