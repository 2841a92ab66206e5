package dev.caracal.security.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.http.RequestGuard;
import dev.caracal.security.AuditLog;
import dev.caracal.security.Authenticator;
import dev.caracal.security.SecurityAdmin;
import dev.caracal.security.TenantData;
import dev.caracal.security.limits.RateLimiter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security bundle's life cycle: opens the security database, makes sure the first admin key exists, guards every
 * request of the shared context (as its {@link RequestGuard}), and registers {@link SecurityAdmin} and
 * {@link AuditLog} for the admin surfaces and engines. Configured by {@code etc/dev.caracal.security.cfg}; a change
 * applies to the next request. Last-used times of keys are written every 30 seconds and at stop.
 */
@Component(service = RequestGuard.class, immediate = true, configurationPid = "dev.caracal.security")
@Designate(ocd = SecurityConfig.class)
public class SecurityComponent implements RequestGuard {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityComponent.class);

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Authenticator> authenticators = List.of();

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<TenantData> tenantData = List.of();

    private SecurityDatabase db;
    private Administration admin;
    private Guard guard;
    private ScheduledExecutorService flusher;
    private ServiceRegistration<SecurityAdmin> adminRegistration;
    private ServiceRegistration<AuditLog> auditRegistration;
    private ServiceRegistration<HealthCheck> healthRegistration;

    @Activate
    void activate(BundleContext context, SecurityConfig config) {
        Clock clock = Clock.systemUTC();
        Path dir = dataDirectory(config.dataDirectory());
        db = SecurityDatabase.open(dir);
        try {
            AuditStore audit = new AuditStore(db);
            KeyIndex index = new KeyIndex();
            admin = new Administration(db, index, audit, () -> tenantData, clock, grace(config));
            Bootstrap.run(admin, index, audit, dir, System::getenv, System.out, clock);
            String console = ConsoleLogin.secure(
                    Path.of(System.getProperty("karaf.etc", "etc"), "users.properties"), dir, System::getenv);
            if (console != null) {
                System.out.println(ConsoleLogin.banner(console, dir.resolve(ConsoleLogin.PASSWORD_FILE)));
            }
            guard = new Guard(index, () -> authenticators, clock, settings(config));
            adminRegistration = context.registerService(SecurityAdmin.class, admin, null);
            auditRegistration = context.registerService(AuditLog.class, audit, null);
            healthRegistration = context.registerService(HealthCheck.class, new SecurityHealth(guard, index), null);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caracal-security-last-used");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, 30, 30, TimeUnit.SECONDS);
        if (!config.authentication()) {
            warnAuthenticationOff();
        }
    }

    /** Says it on the console and in the log: nothing asks for a key. */
    private static void warnAuthenticationOff() {
        String message = "AUTHENTICATION IS OFF (etc/dev.caracal.security.cfg): every request acts as admin of the "
                + "default tenant; only requests to this machine's own names are served";
        LOG.warn(message);
        String rule = "!".repeat(100);
        System.out.println(String.join("\n", rule, " " + message, rule));
    }

    @Modified
    void modified(SecurityConfig config) {
        guard.configure(settings(config));
        admin.setDefaultGrace(grace(config));
        if (!config.authentication()) {
            warnAuthenticationOff();
        }
    }

    @Deactivate
    void deactivate() {
        healthRegistration.unregister();
        adminRegistration.unregister();
        auditRegistration.unregister();
        flusher.shutdownNow();
        flush();
        db.close();
    }

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        return guard.admit(request, response);
    }

    /** Whether requests need a key (for {@code caracal:status} and health). */
    boolean authenticationOn() {
        return guard.settings().authentication();
    }

    private void flush() {
        try {
            admin.flushLastUsed();
        } catch (RuntimeException e) {
            LOG.warn("Writing when keys were last used failed; retried later", e);
        }
    }

    static Guard.Settings settings(SecurityConfig c) {
        return new Guard.Settings(
                c.authentication(),
                new BrowserRules(c.corsOrigins(), c.allowedHosts()),
                new RateLimiter(c.keyRequestsPerMinute()),
                new RateLimiter(c.tenantRequestsPerMinute()),
                new RateLimiter(c.globalRequestsPerMinute()),
                new RateLimiter(c.failedAuthPerMinute()));
    }

    private static Duration grace(SecurityConfig c) {
        return Duration.ofMinutes(Math.max(0, c.rotationGraceMinutes()));
    }

    static Path dataDirectory(String configured) {
        String karafData = System.getProperty("karaf.data", "./data");
        String dir = configured == null || configured.isBlank() ? "${karaf.data}/caracal" : configured.trim();
        return Path.of(dir.replace("${karaf.data}", karafData)).toAbsolutePath().normalize();
    }
}
