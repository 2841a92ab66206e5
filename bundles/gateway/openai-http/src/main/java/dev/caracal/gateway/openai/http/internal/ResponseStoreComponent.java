package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.openai.http.store.H2ResponseStore;
import dev.caracal.gateway.openai.http.store.ResponseStore;
import dev.caracal.security.TenantData;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored responses' life cycle: opens the H2 database (configuration PID {@code dev.caracal.gateway.responses}),
 * registers it as the {@link ResponseStore} the Responses servlets use and as {@link TenantData} (kind
 * {@value TenantResponses#KIND}), and deletes the responses older than the retention at start and periodically. A
 * changed configuration restarts it (the servlets answer 503 for stored responses in between).
 */
@Component(immediate = true, configurationPid = ResponseStoreComponent.PID)
@Designate(ocd = ResponsesConfig.class)
public class ResponseStoreComponent {
    static final String PID = "dev.caracal.gateway.responses";
    private static final Logger LOG = LoggerFactory.getLogger(ResponseStoreComponent.class);

    private H2ResponseStore store;
    private Retention retention;
    private ScheduledExecutorService purger;
    private ServiceRegistration<ResponseStore> storeRegistration;
    private ServiceRegistration<TenantData> tenantDataRegistration;

    @Activate
    void activate(BundleContext context, ResponsesConfig config) {
        Path dir = dataDirectory(config.dataDirectory());
        store = H2ResponseStore.open(dir, Math.max(1, config.maxStoredChars()));
        retention = new Retention(store, Duration.ofDays(Math.max(1, config.retentionDays())), Clock.systemUTC());
        retention.purge();
        purger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caracal-responses-purge");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, config.purgeIntervalMinutes());
        purger.scheduleWithFixedDelay(retention::purge, every, every, TimeUnit.MINUTES);
        storeRegistration = context.registerService(ResponseStore.class, store, null);
        tenantDataRegistration = context.registerService(TenantData.class, new TenantResponses(store), null);
        LOG.info(
                "Stored responses in {}: kept {} days, purged every {} minutes",
                store.file(),
                retention.keep().toDays(),
                every);
    }

    @Deactivate
    void deactivate() {
        tenantDataRegistration.unregister();
        storeRegistration.unregister();
        purger.shutdownNow();
        try {
            purger.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    static Path dataDirectory(String configured) {
        String karafData = System.getProperty("karaf.data", "./data");
        String dir = configured == null || configured.isBlank() ? "${karaf.data}/caracal/responses" : configured.trim();
        return Path.of(dir.replace("${karaf.data}", karafData)).toAbsolutePath().normalize();
    }
}
