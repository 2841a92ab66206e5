package dev.caracal.vector.store.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.math.VectorMath;
import dev.caracal.vector.text.TextIndexFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The vector store as an OSGi service: its configuration, its thread pools, its plugin references, and the
 * {@link VectorStore} and {@link HealthCheck} operations, each delegated to the part that owns it:
 * <ul>
 * <li>{@link CollectionRegistry}: the collections by name (open at start, create, describe, list, drop, index
 * changes), each a durable {@link StoredCollection};</li>
 * <li>{@link PluginRegistry}: embedding models, index and text index plugins, attached to collections as they come
 * and go (the store keeps serving, degraded, while one is away);</li>
 * <li>{@link RecordWriter}: upserts and deletes checked, text embedded ({@link Embedder}), then made durable;</li>
 * <li>{@link SearchPlanner}: vector, keyword and hybrid search, by index plugin or exact scan ({@link ExactScanner});
 * </li>
 * <li>{@link StoreHealth}: the health check.</li>
 * </ul>
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

    private final PluginRegistry plugins = new PluginRegistry();
    private final CollectionRegistry collections = new CollectionRegistry(plugins, new SpecResolver(plugins));
    private final Embedder embedder = new Embedder(plugins);
    final StoreHealth health = new StoreHealth(collections, plugins);

    // replaced at each start, with the settings
    private volatile RecordWriter writer;
    private volatile SearchPlanner planner;
    private ExecutorService searchPool;
    private ExecutorService buildPool;
    private ExecutorService syncPool;
    private ScheduledExecutorService probePool;

    /** A store outside OSGi, for tests and benchmarks; {@link #stop()} it when done. */
    public static VectorStoreComponent standalone(StoreSettings settings) {
        VectorStoreComponent store = new VectorStoreComponent();
        store.start(settings);
        return store;
    }

    /** A store outside OSGi whose files go through {@code layer} (tests that inject disk faults). */
    static VectorStoreComponent standalone(StoreSettings settings, FileLayer layer) {
        VectorStoreComponent store = new VectorStoreComponent();
        store.start(settings, layer);
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

    /** Starts the thread pools and opens every collection under the data directory. */
    public void start(StoreSettings s) {
        start(s, FileLayer.DISK);
    }

    synchronized void start(StoreSettings s, FileLayer layer) {
        searchPool = Executors.newFixedThreadPool(
                Math.max(1, s.searchThreads() - 1), daemonThreads("caracal-vector-search"));
        buildPool = Executors.newFixedThreadPool(s.buildThreads(), daemonThreads("caracal-vector-index-build"));
        syncPool = Executors.newCachedThreadPool(daemonThreads("caracal-vector-sync"));
        probePool = Executors.newSingleThreadScheduledExecutor(daemonThreads("caracal-vector-storage-probe"));
        ExactScanner scanner = new ExactScanner(VectorMath.get(), searchPool, s.searchThreads());
        plugins.useFlatInt8(new QuantizedFlat.Factory(scanner));
        writer = new RecordWriter(s, embedder);
        planner = new SearchPlanner(s.maxK(), scanner, embedder);
        try {
            collections.open(s.dataDirectory(), s.cacheSizeMb(), buildPool, syncPool, layer);
        } catch (RuntimeException e) {
            shutdownPools();
            throw e;
        }
        health.started();
        // a collection that cannot write (disk full, read-only) takes writes again by itself once the disk does
        probePool.scheduleWithFixedDelay(
                collections::probe, StorageErrors.RETRY_SECONDS, StorageErrors.RETRY_SECONDS, TimeUnit.SECONDS);
        LOG.info(
                "Vector store started in {}: {} collections, search with {} on {} threads",
                s.dataDirectory(),
                collections.size(),
                scanner.math().name(),
                s.searchThreads());
    }

    /** Commits and closes every collection, then stops the thread pools. */
    public synchronized void stop() {
        if (probePool != null) {
            probePool.shutdownNow(); // no recovery attempt races the closing collections
        }
        collections.close();
        shutdownPools();
    }

    private void shutdownPools() {
        if (searchPool != null) {
            searchPool.shutdownNow();
            buildPool.shutdownNow();
            syncPool.shutdownNow();
            probePool.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // plugins: bind methods rather than injected fields, because tests and benchmarks outside OSGi call them, models
    // are known by a service property, and an index or text plugin's arrival or departure is fanned out to every
    // collection (attach, degrade to exact scan or 503, rebuild)

    @Reference(
            service = EmbeddingModel.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindEmbeddingModel(EmbeddingModel model, Map<String, Object> properties) {
        plugins.addModel(model, properties);
    }

    public void unbindEmbeddingModel(EmbeddingModel model, Map<String, Object> properties) {
        plugins.removeModel(model, properties);
    }

    @Reference(
            service = VectorIndexFactory.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindIndexFactory(VectorIndexFactory factory, Map<String, Object> properties) {
        collections.indexFactoryArrived(factory, PluginRegistry.indexType(factory, properties));
    }

    public void unbindIndexFactory(VectorIndexFactory factory, Map<String, Object> properties) {
        collections.indexFactoryLeft(factory);
    }

    /** Runs the periodic storage probe now (tests). */
    void probeStorage() {
        collections.probe();
    }

    @Reference(
            service = TextIndexFactory.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindTextIndexFactory(TextIndexFactory factory) {
        collections.textFactoryArrived(factory);
    }

    public void unbindTextIndexFactory(TextIndexFactory factory) {
        collections.textFactoryLeft(factory);
    }

    // ---------------------------------------------------------------------------------------------------------
    // collections

    @Override
    public CollectionInfo createCollection(CollectionSpec spec) {
        return collections.create(spec);
    }

    @Override
    public CollectionInfo changeIndex(String collection, IndexSpec index) {
        return collections.changeIndex(collection, index);
    }

    @Override
    public CollectionInfo rebuildIndex(String collection) {
        return collections.rebuildIndex(collection);
    }

    @Override
    public List<CollectionInfo> listCollections() {
        return collections.list();
    }

    @Override
    public CollectionInfo describe(String collection) {
        return collections.describe(collection);
    }

    @Override
    public boolean dropCollection(String collection) {
        return collections.drop(collection);
    }

    // ---------------------------------------------------------------------------------------------------------
    // records and search

    @Override
    public UpsertResult upsert(String collection, List<VectorRecord> records) {
        StoredCollection c = collections.require(collection);
        return writer.upsert(c, records);
    }

    @Override
    public Optional<VectorRecord> get(String collection, String id) {
        StoredCollection c = collections.require(collection);
        if (id == null) {
            throw new InvalidRequestException("id", "an id is required");
        }
        return c.get(id);
    }

    @Override
    public int delete(String collection, Collection<String> ids) {
        StoredCollection c = collections.require(collection);
        return writer.delete(c, ids);
    }

    @Override
    public long count(String collection) {
        return collections.require(collection).count();
    }

    @Override
    public SearchResult search(String collection, SearchRequest request) {
        StoredCollection c = collections.require(collection);
        return planner.search(c, request);
    }

    // ---------------------------------------------------------------------------------------------------------
    // health

    @Override
    public String name() {
        return HEALTH_NAME;
    }

    @Override
    public Result check() {
        return health.check();
    }

    /**
     * Ready while the store can take writes (its data directory is writable and some collection, if any, can write),
     * once the collections that had a text index have their text-index plugin back (or a minute has passed).
     */
    @Override
    public boolean readiness() {
        return health.ready();
    }

    // ---------------------------------------------------------------------------------------------------------
    // for tests

    /** The open collection named {@code name}, or {@code null}. */
    StoredCollection collection(String name) {
        return collections.get(name);
    }

    /** Index types a collection may ask for now: {@code flat} and every registered plugin's. */
    List<String> availableIndexTypes() {
        return plugins.availableIndexTypes();
    }
}
