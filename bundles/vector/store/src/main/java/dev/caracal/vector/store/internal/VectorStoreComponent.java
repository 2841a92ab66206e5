package dev.caracal.vector.store.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.LlmProperties;
import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.TextIndexUnavailableException;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.math.VectorMath;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexFactory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector store: durable collections (one MVStore file each, see {@link StoredCollection}), exact SIMD search
 * ({@link ExactScanner}), metadata filters ({@link MetadataFilter}), text embedded through {@link EmbeddingModel}
 * services, and index plugins ({@link VectorIndexFactory} services) fed and rebuilt from the store
 * ({@link IndexSlot}). Models and index plugins come and go at runtime; the store keeps serving, degraded.
 *
 * <p>Outside OSGi (tests, benchmarks) use {@link #standalone(StoreSettings)} and the public bind methods.
 */
@Component(
        name = VectorStoreComponent.PID,
        configurationPid = VectorStoreComponent.PID,
        immediate = true,
        service = {VectorStore.class, HealthCheck.class})
@Designate(ocd = VectorStoreComponent.Config.class)
public class VectorStoreComponent implements VectorStore, HealthCheck {
    static final String PID = "dev.caracal.vector.store";
    static final String HEALTH_NAME = "vector-store";
    static final String COLLECTIONS_DIR = "collections";
    private static final Logger LOG = LoggerFactory.getLogger(VectorStoreComponent.class);

    @ObjectClassDefinition(
            name = "Caracal Vector Store",
            description = "Durable vector collections with exact and plugin-indexed search")
    public @interface Config {
        @AttributeDefinition(
                name = "Data directory",
                description = "Where collections are stored, one sub-directory each. Empty means "
                        + "${karaf.data}/caracal/vector.")
        String dataDirectory() default "";

        @AttributeDefinition(
                name = "Search threads",
                description = "Threads one exact scan may use, the caller included; 0 means the number of processors.")
        int searchThreads() default 0;

        @AttributeDefinition(name = "Maximum k", description = "The most results one search may ask for.")
        int maxK() default 10_000;

        @AttributeDefinition(
                name = "Maximum batch size",
                description = "The most records one upsert, or ids one delete, may carry.")
        int maxBatchSize() default 10_000;

        @AttributeDefinition(name = "Maximum id length", description = "The longest record id, in characters.")
        int maxIdLength() default 512;

        @AttributeDefinition(
                name = "Page cache (MB)",
                description = "MVStore page cache per collection, used to read records (get, search hits).")
        int cacheSizeMb() default 16;

        @AttributeDefinition(
                name = "Index build threads",
                description = "Threads that build index plugins in the background; 0 means half the processors.")
        int indexBuildThreads() default 0;
    }

    private final Map<String, List<EmbeddingModel>> models = new ConcurrentHashMap<>();
    private final Map<String, List<VectorIndexFactory>> factories = new ConcurrentHashMap<>();
    private final Map<VectorIndexFactory, String> factoryTypes = new ConcurrentHashMap<>();
    /** Text-index plugins, the one in use first (the earliest bound; a later one takes over when it leaves). */
    private final List<TextIndexFactory> textFactories = new CopyOnWriteArrayList<>();

    private final Map<String, StoredCollection> collections = new ConcurrentHashMap<>();
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    /** Serializes create, drop, start, stop and index plugin arrivals and departures. */
    private final Object registryLock = new Object();

    private volatile StoreSettings settings;
    private volatile boolean active;
    private Path collectionsDir;
    private ExecutorService searchPool;
    private ExecutorService buildPool;
    private ExecutorService syncPool;
    private ExactScanner scanner;
    /** The built-in int8 flat index type (flat with quantization int8). */
    private QuantizedFlat.Factory flatInt8;

    /** A store outside OSGi, for tests and benchmarks; {@link #stop()} it when done. */
    public static VectorStoreComponent standalone(StoreSettings settings) {
        VectorStoreComponent store = new VectorStoreComponent();
        store.start(settings);
        return store;
    }

    @Activate
    void activate(Config config) {
        start(new StoreSettings(
                StoreSettings.resolveDataDirectory(config.dataDirectory()),
                config.searchThreads(),
                config.maxK(),
                config.maxBatchSize(),
                config.maxIdLength(),
                config.cacheSizeMb(),
                config.indexBuildThreads()));
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    /** Opens every collection under the data directory. */
    public void start(StoreSettings s) {
        synchronized (registryLock) {
            this.settings = s;
            this.collectionsDir = s.dataDirectory().resolve(COLLECTIONS_DIR);
            try {
                Files.createDirectories(collectionsDir);
            } catch (IOException e) {
                throw new VectorException("cannot create the data directory " + collectionsDir + ": " + e, e);
            }
            searchPool = Executors.newFixedThreadPool(
                    Math.max(1, s.searchThreads() - 1), daemonThreads("caracal-vector-search"));
            buildPool = Executors.newFixedThreadPool(s.buildThreads(), daemonThreads("caracal-vector-index-build"));
            syncPool = Executors.newCachedThreadPool(daemonThreads("caracal-vector-sync"));
            scanner = new ExactScanner(VectorMath.get(), searchPool, s.searchThreads());
            flatInt8 = new QuantizedFlat.Factory(scanner);
            openCollections();
            active = true;
            for (StoredCollection c : collections.values()) {
                attachFactory(c);
                attachTextFactory(c);
            }
            LOG.info(
                    "Vector store started in {}: {} collections, search with {} on {} threads",
                    s.dataDirectory(),
                    collections.size(),
                    scanner.math().name(),
                    s.searchThreads());
        }
    }

    /** Commits and closes every collection. */
    public void stop() {
        synchronized (registryLock) {
            active = false;
            for (StoredCollection c : collections.values()) {
                c.close();
            }
            collections.clear();
            broken.clear();
            if (searchPool != null) {
                searchPool.shutdownNow();
                buildPool.shutdownNow();
                syncPool.shutdownNow();
            }
        }
    }

    private void openCollections() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(collectionsDir)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".")) {
                    // a create or a drop that did not finish: never a valid collection
                    LOG.info("Removing the leftover of an interrupted create or drop: {}", dir);
                    FileUtil.deleteRecursively(dir);
                    continue;
                }
                if (!Files.isDirectory(dir)
                        || !Requests.isCollectionName(name)
                        || !StoredCollection.looksLikeCollection(dir)) {
                    LOG.warn("Ignoring {}: not a collection", dir);
                    continue;
                }
                try {
                    long t0 = System.nanoTime();
                    StoredCollection c = StoredCollection.open(dir, settings.cacheSizeMb(), buildPool, syncPool);
                    collections.put(name, c);
                    LOG.info(
                            "Opened collection '{}': {} records in {} ms",
                            name,
                            c.count(),
                            (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {
                    LOG.error("Collection '{}' cannot be opened; it is left as it is on disk", name, e);
                    broken.put(name, e.toString());
                }
            }
        } catch (IOException e) {
            throw new VectorException("cannot list " + collectionsDir + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // plugins

    @Reference(
            service = EmbeddingModel.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindEmbeddingModel(EmbeddingModel model, Map<String, Object> properties) {
        String name = modelName(model, properties);
        models.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(model);
        LOG.info("Embedding model '{}' is available", name);
    }

    public void unbindEmbeddingModel(EmbeddingModel model, Map<String, Object> properties) {
        String name = modelName(model, properties);
        List<EmbeddingModel> list = models.get(name);
        if (list != null) {
            list.remove(model);
        }
        LOG.info("Embedding model '{}' left", name);
    }

    @Reference(
            service = VectorIndexFactory.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindIndexFactory(VectorIndexFactory factory, Map<String, Object> properties) {
        Object p = properties == null ? null : properties.get(VectorIndexFactory.TYPE_PROPERTY);
        String type = normalizeType(p != null ? p.toString() : factory.type());
        synchronized (registryLock) {
            factoryTypes.put(factory, type);
            factories.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(factory);
            LOG.info("Index type '{}' is available", type);
            if (active) {
                for (StoredCollection c : collections.values()) {
                    attachFactory(c);
                }
            }
        }
    }

    public void unbindIndexFactory(VectorIndexFactory factory, Map<String, Object> properties) {
        synchronized (registryLock) {
            String type = factoryTypes.remove(factory);
            if (type == null) {
                return;
            }
            List<VectorIndexFactory> list = factories.get(type);
            if (list != null) {
                list.remove(factory);
            }
            LOG.info("Index type '{}' left", type);
            for (StoredCollection c : collections.values()) {
                if (c.index.detach(factory)) {
                    LOG.info("Collection '{}' now searches by exact scan until a '{}' index is back", c.name, type);
                    attachFactory(c); // another factory of the same type, if any
                }
            }
        }
    }

    private void attachFactory(StoredCollection c) {
        if (!c.index.needsFactory()) {
            return;
        }
        VectorIndexFactory f = factoryFor(c.index.spec());
        if (f != null && supports(f, c.spec.metric())) {
            c.index.attach(f);
        } else if (f != null) {
            LOG.warn(
                    "Collection '{}': index type '{}' does not support the {} metric; it is searched by exact scan",
                    c.name,
                    c.index.type(),
                    c.spec.metric().id());
        }
    }

    private static boolean supports(VectorIndexFactory f, Metric metric) {
        try {
            return f.supports(metric);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Reference(
            service = TextIndexFactory.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindTextIndexFactory(TextIndexFactory factory) {
        synchronized (registryLock) {
            textFactories.add(factory);
            LOG.info("Text index type '{}' is available", factory.type());
            if (active) {
                for (StoredCollection c : collections.values()) {
                    attachTextFactory(c);
                }
            }
        }
    }

    public void unbindTextIndexFactory(TextIndexFactory factory) {
        synchronized (registryLock) {
            if (!textFactories.remove(factory)) {
                return;
            }
            LOG.info("Text index type '{}' left", factory.type());
            for (StoredCollection c : collections.values()) {
                if (c.text.detach(factory)) {
                    attachTextFactory(c); // another text-index plugin, if any
                }
            }
        }
    }

    private void attachTextFactory(StoredCollection c) {
        if (!c.text.needsFactory()) {
            return;
        }
        for (TextIndexFactory f : textFactories) {
            c.text.attach(f);
            return;
        }
    }

    /** The factory serving {@code spec}: the built-in one for int8 flat, none for exact flat, else a plugin. */
    private VectorIndexFactory factoryFor(IndexSpec spec) {
        if (QuantizedFlat.isQuantized(spec)) {
            return flatInt8;
        }
        return IndexSpec.FLAT.equals(spec.type()) ? null : factory(spec.type());
    }

    private VectorIndexFactory factory(String type) {
        List<VectorIndexFactory> list = factories.get(type);
        if (list == null) {
            return null;
        }
        for (VectorIndexFactory f : list) {
            return f;
        }
        return null;
    }

    private EmbeddingModel model(String name) {
        List<EmbeddingModel> list = models.get(name);
        if (list == null) {
            return null;
        }
        for (EmbeddingModel m : list) {
            return m;
        }
        return null;
    }

    private static String modelName(EmbeddingModel model, Map<String, Object> properties) {
        Object p = properties == null ? null : properties.get(LlmProperties.EMBEDDING_MODEL);
        return p != null ? p.toString() : model.name();
    }

    private static String normalizeType(String type) {
        return type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------------------------------------------------
    // collections

    @Override
    public CollectionInfo createCollection(CollectionSpec spec) {
        checkActive();
        if (spec == null) {
            throw new InvalidRequestException("spec", "a collection spec is required");
        }
        String name = Requests.collectionName(spec.name(), "name");
        String modelName = spec.embeddingModel();
        if (modelName != null) {
            modelName = modelName.trim();
            if (modelName.isEmpty()) {
                throw new InvalidRequestException("embeddingModel", "the embedding model name must not be blank");
            }
        }
        int dimension = spec.dimension();
        if (dimension == 0) {
            if (modelName == null) {
                throw new InvalidRequestException(
                        "dimension",
                        "give a dimension (1 to " + Requests.MAX_DIMENSION + ") or an embedding model to take it from");
            }
            EmbeddingModel m = model(modelName);
            if (m == null) {
                throw new EmbeddingUnavailableException(modelName);
            }
            dimension = m.dimension();
        } else if (dimension < 0 || dimension > Requests.MAX_DIMENSION) {
            throw new InvalidRequestException(
                    "dimension",
                    "the dimension must be between 1 and " + Requests.MAX_DIMENSION + "; got " + dimension);
        } else if (modelName != null) {
            EmbeddingModel m = model(modelName);
            if (m != null && m.dimension() != dimension) {
                throw new InvalidRequestException(
                        "dimension",
                        "embedding model '" + modelName + "' produces " + m.dimension() + "-dimensional vectors, not "
                                + dimension);
            }
        }
        IndexSpec index = resolveIndex(spec.index(), spec.metric());
        String type = index.type();
        CollectionSpec resolved = new CollectionSpec(name, dimension, spec.metric(), modelName, index);
        synchronized (registryLock) {
            checkActive();
            Path dir = collectionsDir.resolve(name);
            if (collections.containsKey(name) || broken.containsKey(name) || Files.exists(dir)) {
                throw new CollectionExistsException(name);
            }
            Path tmp = collectionsDir.resolve(".creating-" + name + "-" + System.nanoTime());
            StoredCollection c;
            try {
                Files.createDirectories(tmp);
                StoredCollection.initialize(tmp, resolved, Instant.now());
                // the collection appears complete or not at all: a crash before this rename leaves a dot-directory
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                FileUtil.syncDirectory(collectionsDir);
                c = StoredCollection.open(dir, settings.cacheSizeMb(), buildPool, syncPool);
            } catch (IOException | RuntimeException e) {
                try {
                    FileUtil.deleteRecursively(tmp);
                } catch (IOException ignored) {
                    // removed at the next start
                }
                throw new VectorException("creating collection '" + name + "' failed: " + e, e);
            }
            collections.put(name, c);
            attachFactory(c);
            attachTextFactory(c);
            LOG.info(
                    "Created collection '{}' ({} dimensions, {}, index {})",
                    name,
                    dimension,
                    spec.metric().id(),
                    type);
            return info(c);
        }
    }

    /**
     * The index spec as stored: the type normalized and known ({@code flat} or a registered plugin's), the parameters
     * validated by the plugin with its defaults filled in.
     */
    private IndexSpec resolveIndex(IndexSpec index, Metric metric) {
        String type = normalizeType(index.type());
        Map<String, Object> params = index.params();
        if (IndexSpec.FLAT.equals(type)) {
            return new IndexSpec(type, QuantizedFlat.validateBuildParams(params, metric));
        }
        VectorIndexFactory f = factory(type);
        if (f == null) {
            throw new InvalidRequestException(
                    "index.type",
                    "unknown index type '" + index.type() + "'; available: "
                            + String.join(", ", availableIndexTypes()));
        }
        if (!supports(f, metric)) {
            throw new InvalidRequestException(
                    "index.type",
                    "index type '" + type + "' does not support the " + metric.id()
                            + " metric; use flat (exact scan serves every metric) or another index type");
        }
        return new IndexSpec(type, f.validateBuildParams(params));
    }

    @Override
    public CollectionInfo changeIndex(String collection, IndexSpec index) {
        checkActive();
        if (index == null) {
            throw new InvalidRequestException("index", "an index spec is required");
        }
        synchronized (registryLock) {
            StoredCollection c = require(collection);
            IndexSpec resolved = resolveIndex(index, c.spec.metric());
            IndexSpec current = c.index.spec();
            if (sameIndex(current, resolved)) {
                return info(c);
            }
            VectorIndexFactory f = factoryFor(resolved);
            c.replaceIndex(resolved, f, true);
            LOG.info(
                    "Collection '{}': index changed from {} to {}{}",
                    c.name,
                    current.type(),
                    resolved.type(),
                    f == null ? "" : "; building it in the background");
            return info(c);
        }
    }

    @Override
    public CollectionInfo rebuildIndex(String collection) {
        checkActive();
        synchronized (registryLock) {
            StoredCollection c = require(collection);
            IndexSlot slot = c.index;
            if (slot.isFlat()) {
                return info(c);
            }
            VectorIndexFactory f = factoryFor(slot.spec());
            if (f == null) {
                return info(c); // DEGRADED: rebuilt when a plugin of its type arrives
            }
            c.replaceIndex(slot.spec(), f, false);
            LOG.info("Collection '{}': rebuilding its {} index in the background", c.name, slot.type());
            return info(c);
        }
    }

    /** Same type and parameters; numbers compare by value (a stored 16L equals a validated 16). */
    private static boolean sameIndex(IndexSpec a, IndexSpec b) {
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
            } else if (!java.util.Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
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

    @Override
    public List<CollectionInfo> listCollections() {
        checkActive();
        return new TreeMap<>(collections).values().stream().map(this::info).toList();
    }

    @Override
    public CollectionInfo describe(String collection) {
        return info(require(collection));
    }

    private CollectionInfo info(StoredCollection c) {
        IndexSlot slot = c.index;
        IndexState state = slot.state();
        CollectionSpec spec = c.spec;
        if (!spec.index().equals(slot.spec())) {
            // read between the two volatile writes of a swap: describe the slot that was read
            spec = new CollectionSpec(spec.name(), spec.dimension(), spec.metric(), spec.embeddingModel(), slot.spec());
        }
        return new CollectionInfo(spec, c.count(), state, c.createdAt, c.text.state());
    }

    @Override
    public boolean dropCollection(String collection) {
        checkActive();
        if (!Requests.isCollectionName(collection)) {
            return false;
        }
        synchronized (registryLock) {
            StoredCollection c = collections.remove(collection);
            if (c == null && broken.remove(collection) == null) {
                return false;
            }
            if (c != null) {
                c.close();
            }
            Path dir = collectionsDir.resolve(collection);
            Path grave = collectionsDir.resolve(".dropped-" + collection + "-" + System.nanoTime());
            try {
                // atomic: after a crash the collection is either whole or a dot-directory removed at start
                Files.move(dir, grave, StandardCopyOption.ATOMIC_MOVE);
                FileUtil.syncDirectory(collectionsDir);
            } catch (IOException e) {
                LOG.error("Dropping collection '{}' failed; reopening it", collection, e);
                try {
                    StoredCollection reopened = StoredCollection.open(dir, settings.cacheSizeMb(), buildPool, syncPool);
                    collections.put(collection, reopened);
                    attachFactory(reopened);
                    attachTextFactory(reopened);
                } catch (RuntimeException reopenFailure) {
                    broken.put(collection, reopenFailure.toString());
                }
                throw new VectorException("dropping collection '" + collection + "' failed: " + e, e);
            }
            try {
                FileUtil.deleteRecursively(grave);
            } catch (IOException e) {
                LOG.warn("Could not delete {} now; it is removed at the next start", grave, e);
            }
            LOG.info("Dropped collection '{}'", collection);
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // records

    @Override
    public UpsertResult upsert(String collection, List<VectorRecord> records) {
        StoredCollection c = require(collection);
        StoreSettings s = settings;
        if (records == null) {
            throw new InvalidRequestException("records", "records are required");
        }
        if (records.size() > s.maxBatchSize()) {
            throw new InvalidRequestException(
                    "records", "at most " + s.maxBatchSize() + " records per upsert; got " + records.size());
        }
        if (records.isEmpty()) {
            return new UpsertResult(0, 0, 0);
        }
        // the last occurrence of an id in a batch wins
        LinkedHashMap<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            VectorRecord r = records.get(i);
            if (r == null) {
                throw new InvalidRequestException("records[" + i + "]", "a record must not be null");
            }
            Requests.id(r.id(), "records[" + i + "].id", s.maxIdLength());
            last.remove(r.id());
            last.put(r.id(), i);
        }
        int dimension = c.spec.dimension();
        int n = last.size();
        int[] positions = new int[n];
        float[][] vectors = new float[n][];
        byte[][] metadataJson = new byte[n][];
        List<String> texts = new ArrayList<>();
        List<Integer> toEmbed = new ArrayList<>();
        int j = 0;
        for (int i : last.values()) {
            VectorRecord r = records.get(i);
            String at = "records[" + i + "]";
            positions[j] = i;
            if (r.vector() != null) {
                // a private copy: what is checksummed, written and published must not change under us
                vectors[j] = r.vector().clone();
                Requests.vector(vectors[j], dimension, c.spec.metric(), at + ".vector");
            } else if (r.text() != null && !r.text().isBlank()) {
                if (c.spec.embeddingModel() == null) {
                    throw new InvalidRequestException(
                            at + ".vector",
                            "a vector is required: collection '" + c.name
                                    + "' has no embedding model to embed the text with");
                }
                texts.add(r.text());
                toEmbed.add(j);
            } else {
                throw new InvalidRequestException(at + ".vector", "give a vector, or text to embed");
            }
            metadataJson[j] =
                    r.metadata().isEmpty() ? new byte[0] : JsonCodec.writeObject(r.metadata(), at + ".metadata");
            for (int e = 0; e < r.edges().size(); e++) {
                Requests.edge(r.edges().get(e), at + ".edges[" + e + "]", s.maxIdLength());
            }
            j++;
        }
        if (!texts.isEmpty()) {
            List<float[]> embedded = embed(c, texts, "records");
            for (int t = 0; t < embedded.size(); t++) {
                int k = toEmbed.get(t);
                float[] v = embedded.get(t);
                Requests.vector(v, dimension, c.spec.metric(), "records[" + positions[k] + "].vector");
                vectors[k] = v;
            }
        }
        List<StoredCollection.Prepared> prepared = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            VectorRecord r = records.get(positions[k]);
            Map<String, Object> metadata = JsonCodec.readObject(metadataJson[k]);
            prepared.add(new StoredCollection.Prepared(
                    r.id(),
                    vectors[k],
                    metadata,
                    RecordCodec.encode(r.id(), VectorChecksum.of(vectors[k]), metadataJson[k], r.text(), r.edges())));
        }
        int[] counts = c.upsert(prepared);
        return new UpsertResult(counts[0], counts[1], texts.size());
    }

    /** Embeds texts with the collection's model in one call; the model must be present. */
    private List<float[]> embed(StoredCollection c, List<String> texts, String field) {
        String modelName = c.spec.embeddingModel();
        EmbeddingModel model = model(modelName);
        if (model == null) {
            throw new EmbeddingUnavailableException(modelName);
        }
        Embeddings result;
        try {
            result = model.embed(texts);
        } catch (RuntimeException e) {
            throw new VectorException("embedding model '" + modelName + "' failed: " + e.getMessage(), e);
        }
        if (result == null || result.vectors().size() != texts.size()) {
            throw new VectorException("embedding model '" + modelName + "' returned "
                    + (result == null ? "nothing" : result.vectors().size() + " vectors") + " for " + texts.size()
                    + " texts");
        }
        for (float[] v : result.vectors()) {
            if (v == null || v.length != c.spec.dimension()) {
                throw new VectorException("embedding model '" + modelName + "' returned a vector of "
                        + (v == null ? "no" : v.length) + " dimensions; collection '" + c.name + "' has "
                        + c.spec.dimension() + " (" + field + ")");
            }
        }
        return result.vectors();
    }

    @Override
    public Optional<VectorRecord> get(String collection, String id) {
        StoredCollection c = require(collection);
        if (id == null) {
            throw new InvalidRequestException("id", "an id is required");
        }
        return c.get(id);
    }

    @Override
    public int delete(String collection, Collection<String> ids) {
        StoredCollection c = require(collection);
        if (ids == null) {
            throw new InvalidRequestException("ids", "ids are required");
        }
        if (ids.size() > settings.maxBatchSize()) {
            throw new InvalidRequestException(
                    "ids", "at most " + settings.maxBatchSize() + " ids per delete; got " + ids.size());
        }
        Set<String> unique = new LinkedHashSet<>();
        int i = 0;
        for (String id : ids) {
            if (id == null) {
                throw new InvalidRequestException("ids[" + i + "]", "an id must not be null");
            }
            unique.add(id);
            i++;
        }
        return unique.isEmpty() ? 0 : c.delete(unique);
    }

    @Override
    public long count(String collection) {
        return require(collection).count();
    }

    // ---------------------------------------------------------------------------------------------------------
    // search

    @Override
    public SearchResult search(String collection, SearchRequest request) {
        StoredCollection c = require(collection);
        if (request == null) {
            throw new InvalidRequestException("request", "a search request is required");
        }
        int k = request.k();
        if (k < 1 || k > settings.maxK()) {
            throw new InvalidRequestException("k", "k must be between 1 and " + settings.maxK() + "; got " + k);
        }
        MetadataFilter filter = MetadataFilter.compile(request.filter());
        return switch (request.mode()) {
            case VECTOR -> {
                float[] query = queryVector(c, request);
                Snapshot s = c.snapshot();
                Ranking r = vectorRanking(c, s, query, k, request, filter);
                yield new SearchResult(c.hits(s, r.ranked(), request.includeVectors()), r.servedBy(), r.degraded());
            }
            case KEYWORD -> {
                if (request.vector() != null) {
                    throw new InvalidRequestException(
                            "vector",
                            "a keyword search takes text, not a vector; use " + "mode hybrid to combine them");
                }
                String text = keywordText(request, "keyword");
                PluginSlot.View<TextIndexFactory, TextIndex> view = c.text.view();
                if (view.status() != IndexStatus.READY || view.index() == null) {
                    throw new TextIndexUnavailableException("collection '" + c.name + "': keyword search is "
                            + "unavailable: " + textUnavailableReason(c));
                }
                Snapshot s = c.snapshot();
                ScoredOrdinals ranked = keywordRanking(c, view.index(), s, text, k, filter);
                if (ranked == null) {
                    throw new TextIndexUnavailableException("collection '" + c.name + "': keyword search is "
                            + "unavailable: " + textUnavailableReason(c));
                }
                yield new SearchResult(
                        c.hits(s, ranked, request.includeVectors()),
                        c.text.state().type(),
                        false);
            }
            case HYBRID -> hybrid(c, request, filter);
        };
    }

    /** Up to this many filter candidates, a search scores them exactly instead of asking the index. */
    private static final int SMALL_SUBSET = 2_000;

    /** How a ranking was found. */
    private record Ranking(ScoredOrdinals ranked, String servedBy, boolean degraded) {}

    /** The query vector of a vector or hybrid search: given, or the text embedded; unit length for cosine. */
    private float[] queryVector(StoredCollection c, SearchRequest request) {
        boolean cosine = c.spec.metric() == Metric.COSINE;
        float[] query;
        if (request.vector() != null) {
            Requests.vector(request.vector(), c.spec.dimension(), c.spec.metric(), "vector");
            query = request.vector().clone();
        } else if (request.text() != null && !request.text().isBlank()) {
            if (c.spec.embeddingModel() == null) {
                throw new InvalidRequestException(
                        "text",
                        "collection '" + c.name
                                + "' has no embedding model; search with a vector"
                                + (request.mode() == SearchMode.VECTOR
                                        ? ", or by keyword (mode keyword)"
                                        : " and text"));
            }
            query = embed(c, List.of(request.text()), "text").get(0).clone();
            Requests.vector(query, c.spec.dimension(), c.spec.metric(), "text");
        } else {
            throw new InvalidRequestException("vector", "give a vector, or text to embed");
        }
        if (cosine) {
            VectorTable.normalize(query, 0, query.length);
        }
        return query;
    }

    private static String keywordText(SearchRequest request, String mode) {
        if (request.text() == null || request.text().isBlank()) {
            throw new InvalidRequestException("text", "a " + mode + " search needs text to match");
        }
        return request.text();
    }

    private String textUnavailableReason(StoredCollection c) {
        PluginSlot.View<TextIndexFactory, TextIndex> view = c.text.view();
        if (view.status() == IndexStatus.BUILDING) {
            return "its text index is being built (" + Math.round(c.text.progress() * 100) + "%); retry shortly";
        }
        return view.message() == null ? "no text index" : view.message();
    }

    /** The best {@code k} by vector similarity: through the index plugin when it can answer, else by exact scan. */
    private Ranking vectorRanking(
            StoredCollection c, Snapshot s, float[] query, int k, SearchRequest request, MetadataFilter filter) {
        int[] candidates = filter == null ? null : c.postings.candidates(request.filter());
        boolean small = candidates != null && candidates.length <= Math.max(SMALL_SUBSET, s.liveCount / 32);
        IntPredicate accept = filter == null
                ? null
                : candidates == null || small ? o -> filter.test(s.metadata(o)) : inCandidates(s, filter, candidates);
        IndexSlot slot = c.index; // once: an index change swaps the slot
        PluginSlot.View<VectorIndexFactory, VectorIndex> view = slot.view();
        if (slot.isFlat()) {
            QuantizedFlat.validateQueryParams(request.params(), false);
        } else if (view.status() == IndexStatus.BUILDING && view.factory() != null) {
            // answered by exact scan for now, but a bad parameter is still an error
            validateQueryParams(c, slot, view.factory(), request);
        }
        boolean degraded = !slot.isFlat() && view.status() == IndexStatus.DEGRADED;
        if (small) {
            // a selective filter: scoring its few candidates exactly beats any index, and is exact
            if (!slot.isFlat() && view.factory() != null) {
                validateQueryParams(c, slot, view.factory(), request);
            }
            return new Ranking(
                    scanner.searchCandidates(s, query, c.spec.metric(), k, accept, candidates),
                    IndexSpec.FLAT,
                    degraded);
        }
        if (!slot.isFlat() && view.status() == IndexStatus.READY && view.index() != null) {
            ScoredOrdinals ranked = searchIndex(c, slot, view, s, query, k, request, filter, accept, candidates);
            if (ranked != null) {
                return new Ranking(ranked, slot.servedBy(), false);
            }
            degraded = slot == c.index && slot.view().status() == IndexStatus.DEGRADED;
        }
        return new Ranking(scanner.search(s, query, c.spec.metric(), k, accept), IndexSpec.FLAT, degraded);
    }

    /**
     * The best {@code k} by keyword relevance among the records live in {@code s} that pass the filter, or
     * {@code null} when the plugin failed (it may be leaving).
     */
    private ScoredOrdinals keywordRanking(
            StoredCollection c, TextIndex index, Snapshot s, String text, int k, MetadataFilter filter) {
        IntPredicate accept = filter == null ? null : o -> filter.test(s.metadata(o));
        OrdinalFilter ordinalFilter = new SnapshotFilter(s, accept, filter == null ? -1 : estimate(s, accept));
        ScoredOrdinals raw;
        try {
            raw = index.search(text, k, ordinalFilter);
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': the text index failed a search", c.name, e);
            return null;
        }
        return raw == null ? null : acceptedTop(raw, ordinalFilter, k);
    }

    /**
     * A hybrid search: the vector and keyword rankings of {@code candidates} hits each, fused. Without a usable text
     * index it answers with the vector ranking alone, marked degraded.
     */
    private SearchResult hybrid(StoredCollection c, SearchRequest request, MetadataFilter filter) {
        String text = keywordText(request, "hybrid");
        float[] query = queryVector(c, request);
        Fusion fusion = request.fusion();
        int k = request.k();
        int candidates = fusion.candidates() > 0
                ? Math.max(k, fusion.candidates())
                : Math.max(k, Math.min(settings.maxK(), Math.max(50, 2 * k)));
        candidates = Math.min(candidates, Math.max(k, settings.maxK()));
        Snapshot s = c.snapshot();
        Ranking vector = vectorRanking(c, s, query, candidates, request, filter);
        PluginSlot.View<TextIndexFactory, TextIndex> view = c.text.view();
        ScoredOrdinals keyword = view.status() == IndexStatus.READY && view.index() != null
                ? keywordRanking(c, view.index(), s, text, candidates, filter)
                : null;
        if (keyword == null) {
            ScoredOrdinals top = truncate(vector.ranked(), k);
            return new SearchResult(c.hits(s, top, request.includeVectors()), vector.servedBy(), true);
        }
        ScoredOrdinals fused = Fusions.fuse(vector.ranked(), keyword, fusion, k);
        return new SearchResult(
                c.hits(s, fused, request.includeVectors()),
                vector.servedBy() + "+" + c.text.state().type(),
                vector.degraded());
    }

    private static ScoredOrdinals truncate(ScoredOrdinals r, int k) {
        return r.size() <= k ? r : new ScoredOrdinals(Arrays.copyOf(r.ordinals(), k), Arrays.copyOf(r.scores(), k));
    }

    /** The first {@code k} distinct entries of {@code raw} that {@code filter} accepts. */
    private static ScoredOrdinals acceptedTop(ScoredOrdinals raw, OrdinalFilter filter, int k) {
        int n = Math.min(k, raw.size());
        int[] ordinals = new int[n];
        float[] scores = new float[n];
        Set<Integer> seen = new HashSet<>();
        int kept = 0;
        for (int i = 0; i < raw.size() && kept < n; i++) {
            int o = raw.ordinals()[i];
            if (filter.accept(o) && seen.add(o)) {
                ordinals[kept] = o;
                scores[kept] = raw.scores()[i];
                kept++;
            }
        }
        return kept == n
                ? new ScoredOrdinals(ordinals, scores)
                : new ScoredOrdinals(Arrays.copyOf(ordinals, kept), Arrays.copyOf(scores, kept));
    }

    /**
     * Searches through the collection's index plugin; returns {@code null} when the exact scan must answer instead:
     * the plugin failed (it may be leaving), or it returned fewer than {@code k} hits while more may match.
     */
    private ScoredOrdinals searchIndex(
            StoredCollection c,
            IndexSlot slot,
            PluginSlot.View<VectorIndexFactory, VectorIndex> view,
            Snapshot s,
            float[] query,
            int k,
            SearchRequest request,
            MetadataFilter filter,
            IntPredicate accept,
            int[] candidates) {
        Map<String, Object> params = validateQueryParams(c, slot, view.factory(), request);
        if (params == null) {
            return null;
        }
        OrdinalFilter ordinalFilter = new SnapshotFilter(
                s, accept, filter == null ? -1 : candidates != null ? candidates.length : estimate(s, accept));
        ScoredOrdinals raw;
        try {
            raw = view.index().search(query, k, ordinalFilter, params);
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': the {} index failed a search; answering by exact scan", c.name, slot.type(), e);
            return null;
        }
        if (raw == null) {
            return null;
        }
        // keep only ordinals the filter accepts, once each, at most k
        ScoredOrdinals kept = acceptedTop(raw, ordinalFilter, k);
        if (kept.size() < k && (filter != null || kept.size() < s.liveCount)) {
            return null; // the index may have missed matches: the exact scan guarantees k when k match
        }
        return kept;
    }

    /** The plugin's view of the query parameters; {@code null} when the plugin failed (it may be leaving). */
    private static Map<String, Object> validateQueryParams(
            StoredCollection c, IndexSlot slot, VectorIndexFactory factory, SearchRequest request) {
        try {
            return factory.validateQueryParams(request.params());
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("Collection '{}': the {} plugin failed to check query parameters", c.name, slot.type(), e);
            return null;
        }
    }

    /**
     * The filter behind a bit test of its postings candidates: a record outside them (most of those an index visits
     * under a 10% filter) costs one bit instead of a walk through its metadata.
     */
    private static IntPredicate inCandidates(Snapshot s, MetadataFilter filter, int[] candidates) {
        BitSet bits = new BitSet(s.maxOrdinal);
        for (int o : candidates) {
            bits.set(o);
        }
        return o -> bits.get(o) && filter.test(s.metadata(o));
    }

    /** Estimates how many live records pass a filter from an even sample of ordinals. */
    private static int estimate(Snapshot s, IntPredicate accept) {
        int max = s.maxOrdinal;
        if (max == 0) {
            return 0;
        }
        int samples = Math.min(max, 1024);
        int live = 0;
        int passed = 0;
        for (int i = 0; i < samples; i++) {
            int o = (int) ((long) i * max / samples);
            if (s.isLive(o)) {
                live++;
                if (accept.test(o)) {
                    passed++;
                }
            }
        }
        return live == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, s.liveCount * passed / live);
    }

    /** The records of a snapshot that a filtered search may return, as index plugins see them. */
    private static final class SnapshotFilter implements OrdinalFilter {
        private final Snapshot snapshot;
        private final IntPredicate accept;
        private final int estimate;

        SnapshotFilter(Snapshot snapshot, IntPredicate accept, int estimate) {
            this.snapshot = snapshot;
            this.accept = accept;
            this.estimate = estimate < 0 ? (int) Math.min(Integer.MAX_VALUE, snapshot.liveCount) : estimate;
        }

        @Override
        public boolean accept(int ordinal) {
            return snapshot.isLive(ordinal) && (accept == null || accept.test(ordinal));
        }

        @Override
        public int estimatedCount() {
            return estimate;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // health

    @Override
    public String name() {
        return HEALTH_NAME;
    }

    @Override
    public Result check() {
        if (!active) {
            return Result.down("the vector store is not active");
        }
        Map<String, Object> details = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (StoredCollection c : new TreeMap<>(collections).values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("count", c.count());
            IndexState index = c.index.state();
            d.put("index", index.type());
            d.put("indexStatus", index.status().name());
            if (index.status() == IndexStatus.BUILDING) {
                d.put("indexProgress", Math.round(index.progress() * 1000) / 10.0); // percent
            }
            if (index.message() != null && index.status() != IndexStatus.READY) {
                d.put("indexMessage", index.message());
            }
            if (index.status() == IndexStatus.DEGRADED) {
                problems.add(c.name + ": " + index.message());
            }
            String modelName = c.spec.embeddingModel();
            if (modelName != null) {
                boolean available = model(modelName) != null;
                d.put("embeddingModel", modelName);
                d.put("embeddingModelAvailable", available);
                if (!available) {
                    problems.add(c.name + ": embedding model '" + modelName + "' is not available");
                }
            }
            Throwable failure = c.failure();
            if (failure != null) {
                d.put("storageFailure", failure.toString());
                problems.add(c.name + ": storage failure, read-only until restart");
            }
            details.put(c.name, d);
        }
        broken.forEach((name, error) -> {
            details.put(name, Map.of("openFailure", error));
            problems.add(name + ": cannot be opened (" + error + ")");
        });
        if (problems.isEmpty()) {
            return new Result(HealthStatus.UP, collections.size() + " collections", details);
        }
        return new Result(HealthStatus.DEGRADED, String.join("; ", problems), details);
    }

    // ---------------------------------------------------------------------------------------------------------

    private StoredCollection require(String collection) {
        checkActive();
        if (collection == null) {
            throw new InvalidRequestException("collection", "a collection name is required");
        }
        StoredCollection c = collections.get(collection);
        if (c == null) {
            throw new CollectionNotFoundException(collection);
        }
        return c;
    }

    private void checkActive() {
        if (!active) {
            throw new VectorException("the vector store is not active");
        }
    }

    /** For tests: the collection object. */
    StoredCollection collection(String name) {
        return collections.get(name);
    }

    ExactScanner scanner() {
        return scanner;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
