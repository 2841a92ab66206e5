package dev.caracal.security.core.internal;

import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.Grants;
import dev.caracal.security.NewKey;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import dev.caracal.security.Tenant;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin key. When {@value #ENV_KEY} is set (containers, CI, tests, benchmarks) it is an admin key of the
 * default tenant, owned by the variable: a new value replaces it at the next start, and a start without the variable
 * removes it. Otherwise a server without any key (a fresh install, or one whose only key came from the variable)
 * generates one, writes it to {@code admin.key} (readable only by its owner) beside the security database, and shows
 * it once on the console.
 */
final class Bootstrap {
    static final String ENV_KEY = "CARACAL_ADMIN_KEY";
    static final String KEY_FILE = "admin.key";
    static final String ENV_KEY_NAME = "admin (" + ENV_KEY + ")";
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    private static final Principal SYSTEM = new Principal(Tenant.DEFAULT, Role.ADMIN, null, "caracal", Grants.ALL);
    private static final int SHORT_KEY = 20;

    private Bootstrap() {}

    /** Makes sure the default tenant and the first admin key exist; returns the generated key file, or null. */
    static Path run(
            Administration admin,
            KeyIndex index,
            AuditLog audit,
            Path directory,
            Function<String, String> env,
            PrintStream console,
            Clock clock) {
        admin.ensureTenant(Tenant.DEFAULT);
        String fromEnv = env.apply(ENV_KEY);
        List<Tables.KeyRow> envRows = index.rows().stream()
                .filter(r -> Administration.ORIGIN_ENV.equals(r.origin()))
                .toList();
        if (fromEnv != null && !fromEnv.isBlank()) {
            String key = fromEnv.trim();
            if (!usable(key)) {
                LOG.error(
                        "{} is set but cannot be an API key (spaces, or characters outside printable ASCII, or longer "
                                + "than 512): it is ignored",
                        ENV_KEY);
                return null;
            }
            byte[] hash = Secrets.hash(key);
            if (envRows.stream().anyMatch(r -> Arrays.equals(r.hash(), hash))) {
                return null;
            }
            envRows.forEach(r -> admin.delete(r.key().id()));
            NewKey k = admin.insert(
                    ENV_KEY_NAME,
                    Tenant.DEFAULT,
                    Role.ADMIN,
                    null,
                    Grants.ALL,
                    Administration.ORIGIN_ENV,
                    key,
                    clock.instant());
            audit.record(AuditEvent.of(SYSTEM, "key.create", k.key().id(), "ok", "from " + ENV_KEY));
            LOG.info("The admin key from {} is active (id {})", ENV_KEY, k.key().id());
            if (key.length() < SHORT_KEY) {
                LOG.warn(
                        "{} is only {} characters long: anyone who can reach the port may guess it; use a long random"
                                + " value (openssl rand -hex 32)",
                        ENV_KEY,
                        key.length());
            }
            return null;
        }
        for (Tables.KeyRow r : envRows) {
            admin.delete(r.key().id());
            audit.record(AuditEvent.of(SYSTEM, "key.delete", r.key().id(), "ok", ENV_KEY + " is no longer set"));
            LOG.info(
                    "{} is no longer set: its admin key {} is removed",
                    ENV_KEY,
                    r.key().id());
        }
        if (!index.rows().isEmpty()) {
            return null;
        }
        NewKey k = admin.insert(
                "admin (generated at first start)",
                Tenant.DEFAULT,
                Role.ADMIN,
                null,
                Grants.ALL,
                Administration.ORIGIN_API,
                null,
                clock.instant());
        audit.record(AuditEvent.of(SYSTEM, "key.create", k.key().id(), "ok", "generated at first start"));
        Path file = directory.resolve(KEY_FILE).toAbsolutePath();
        try {
            writeOwnerOnly(file, k.secret() + "\n");
        } catch (IOException e) {
            LOG.error("The first admin key could not be written to {}; it is shown on the console only", file, e);
        }
        console.println(banner(k.secret(), file));
        LOG.info("Generated the first admin key (id {}); it is in {}", k.key().id(), file);
        return file;
    }

    static String banner(String secret, Path file) {
        String rule = "-".repeat(100);
        return String.join(
                "\n",
                "",
                rule,
                " Caracal generated its first admin API key. It is shown this once and saved in",
                "   " + file + " (readable only by you):",
                "",
                "   " + secret,
                "",
                " Every request but /healthz and /readyz needs it (or a key made with security:key-create), e.g.:",
                "   curl -H \"Authorization: Bearer $(cat " + file + ")\" http://localhost:8181/api/v1/collections",
                " OpenAI and Anthropic SDKs: pass it as the api_key (apiKey) with base URL http://localhost:8181/v1",
                rule,
                "");
    }

    /** Writes {@code text} to a new file readable and writable by its owner only (where the file system knows). */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static boolean usable(String key) {
        if (key.length() > 512) {
            return false;
        }
        return key.chars().allMatch(ch -> ch > ' ' && ch < 0x7f);
    }
}
