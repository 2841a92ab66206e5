package dev.caracal.vector.store.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.security.TenantData;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.UpsertResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.math.VectorMath;
import dev.caracal.vector.text.TextIndexFactory;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector store as an OSGi service: its configuration, its thread pools, its plugin references, and the
 * {@link VectorStore} and {@link HealthCheck} operations, each delegated to the part that owns it:
 * <ul>
 * <li>{@link CollectionRegistry}: the collections by tenant and name (open at start, create, describe, list, drop),
 * each a durable {@link StoredCollection}; {@link TenantStore} is the store as one tenant sees it, and the service's
 * own methods are the default tenant's;</li>
 * <li>{@link PluginRegistry}, {@link IndexAssignments}: embedding models, index and text index plugins, attached to
 * collections as they come and go (the store keeps serving, degraded, while one is away), and index changes;</li>
 * <li>{@link RecordWriter}: upserts and deletes checked, text embedded ({@link Embedder}), then made durable;</li>
 * <li>{@link SearchPlanner}: vector, keyword and hybrid search, by index plugin or exact scan ({@link ExactScanner});
 * </li>
 * <li>{@link StoreHealth}: the health check.</li>
 * </ul>
 * It also registers the collections as tenant-owned data ({@link TenantCollections}, a {@link TenantData} service),
 * so that a tenant is not deleted from under its collections.
 *
 * <p>Outside OSGi (tests, benchmarks) use {@link #standalone(StoreSettings)} and the public bind methods.
 */
@Component(
        name = VectorStoreComponent.PID,
        configurationPid = VectorStoreComponent.PID,
        immediate = true,
        service = {VectorStore.class, HealthCheck.class})
@Designate(ocd = StoreConfig.class)
public class VectorStoreComponent implements VectorStore, HealthCheck {
    static final String PID = "dev.caracal.vector.store";
    static final String HEALTH_NAME = "vector-store";
    private static final Logger LOG = LoggerFactory.getLogger(VectorStoreComponent.class);

    private final PluginRegistry plugins = new PluginRegistry();
    private final SpecResolver specs = new SpecResolver(plugins);
    // what a TenantStore reaches
    final CollectionRegistry collections = new CollectionRegistry(plugins, specs);
    final IndexAssignments indexes = new IndexAssignments(collections, plugins, specs);
    private final Embedder embedder = new Embedder(plugins);
    private final TenantStore defaultTenant = new TenantStore(this, DEFAULT_TENANT);
    private final TenantCollections tenantData = new TenantCollections(collections);
    final StoreHealth health = new StoreHealth(collections, plugins);
    private ServiceRegistration<TenantData> tenantDataRegistration;

    // replaced at each start, with the settings
    volatile RecordWriter writer;
    volatile SearchPlanner planner;
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
    void activate(StoreConfig config, BundleContext context) {
        start(new StoreSettings(
                StoreSettings.resolveDataDirectory(config.dataDirectory()),
                config.searchThreads(),
                config.maxK(),
                config.maxBatchSize(),
                config.maxIdLength(),
                config.cacheSizeMb(),
                config.indexBuildThreads()));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("service.description", "Caracal vector collections, per tenant");
        tenantDataRegistration = context.registerService(TenantData.class, tenantData, properties);
    }

    @Deactivate
    void deactivate() {
        try {
            tenantDataRegistration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping: the framework unregistered it
        }
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
        indexes.indexFactoryArrived(factory, PluginRegistry.indexType(factory, properties));
    }

    public void unbindIndexFactory(VectorIndexFactory factory, Map<String, Object> properties) {
        indexes.indexFactoryLeft(factory);
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
        indexes.textFactoryArrived(factory);
    }

    public void unbindTextIndexFactory(TextIndexFactory factory) {
        indexes.textFactoryLeft(factory);
    }

    // ---------------------------------------------------------------------------------------------------------
    // tenants: the service's own methods act on the default tenant's collections

    @Override
    public VectorStore forTenant(String tenant) {
        return DEFAULT_TENANT.equals(tenant) ? defaultTenant : new TenantStore(this, tenant);
    }

    @Override
    public Map<String, List<CollectionInfo>> collectionsByTenant() {
        return collections.byTenant();
    }

    /** The collections as tenant-owned data (registered as a service when the component activates). */
    TenantData tenantData() {
        return tenantData;
    }

    // ---------------------------------------------------------------------------------------------------------
    // collections, records and search of the default tenant

    @Override
    public CollectionInfo createCollection(CollectionSpec spec) {
        return defaultTenant.createCollection(spec);
    }

    @Override
    public CollectionInfo changeIndex(String collection, IndexSpec index) {
        return defaultTenant.changeIndex(collection, index);
    }

    @Override
    public CollectionInfo rebuildIndex(String collection) {
        return defaultTenant.rebuildIndex(collection);
    }

    @Override
    public List<CollectionInfo> listCollections() {
        return defaultTenant.listCollections();
    }

    @Override
    public CollectionInfo describe(String collection) {
        return defaultTenant.describe(collection);
    }

    @Override
    public boolean dropCollection(String collection) {
        return defaultTenant.dropCollection(collection);
    }

    @Override
    public UpsertResult upsert(String collection, List<VectorRecord> records) {
        return defaultTenant.upsert(collection, records);
    }

    @Override
    public Optional<VectorRecord> get(String collection, String id) {
        return defaultTenant.get(collection, id);
    }

    @Override
    public int delete(String collection, Collection<String> ids) {
        return defaultTenant.delete(collection, ids);
    }

    @Override
    public long count(String collection) {
        return defaultTenant.count(collection);
    }

    @Override
    public SearchResult search(String collection, SearchRequest request) {
        return defaultTenant.search(collection, request);
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

    /** The open collection named {@code name} of the default tenant, or {@code null}. */
    StoredCollection collection(String name) {
        return collections.get(DEFAULT_TENANT, name);
    }

    /** The open collection named {@code name} of {@code tenant}, or {@code null}. */
    StoredCollection collection(String tenant, String name) {
        return collections.get(tenant, name);
    }

    /** Index types a collection may ask for now: {@code flat} and every registered plugin's. */
    List<String> availableIndexTypes() {
        return plugins.availableIndexTypes();
    }
}
