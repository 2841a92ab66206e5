package dev.caracal.security.core.command;

import dev.caracal.security.ApiKey;
import dev.caracal.security.Grants;
import dev.caracal.security.KeyRequest;
import dev.caracal.security.NewKey;
import dev.caracal.security.Role;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code security:key-create}, {@code key-list}, {@code key-rotate}, {@code key-revoke}. */
public final class KeyCommands {
    private KeyCommands() {}

    @Service
    @Command(
            scope = "security",
            name = "key-create",
            description = "Create an API key; its secret is shown this once",
            detailedDescription = "Example: security:key-create --tenant acme --role reader --expires 90d "
                    + "--collections docs,notes search-app")
    public static class Create extends SecurityCommandSupport {
        @Option(name = "--tenant", description = "The tenant it acts in (default: default)")
        String tenant = "default";

        @Option(name = "--role", description = "admin, writer or reader (default: reader)")
        String role = "reader";

        @Option(
                name = "--expires",
                description = "When it stops working: 90d, 12h, or a time like 2027-01-31T00:00:00Z")
        String expires;

        @Option(name = "--collections", description = "Only these collections (comma-separated)")
        String collections;

        @Option(name = "--models", description = "Only these gateway models or routes (comma-separated)")
        String models;

        @Argument(index = 0, name = "name", description = "What the key is for", required = true)
        String name;

        @Override
        protected Object run() {
            NewKey k = admin.createKey(
                    new KeyRequest(
                            name,
                            tenant,
                            Role.parse(role),
                            expiry(expires),
                            new Grants(names(collections), names(models))),
                    operator());
            System.out.println("Created key " + k.key().id() + " ("
                    + k.key().role().id() + " of tenant " + k.key().tenant() + "). Its secret, shown this once:");
            System.out.println();
            System.out.println("    " + k.secret());
            System.out.println();
            return null;
        }
    }

    @Service
    @Command(scope = "security", name = "key-list", description = "List API keys (never their secrets)")
    public static class ListKeys extends SecurityCommandSupport {
        @Option(name = "--tenant", description = "Only this tenant's keys")
        String tenant;

        @Override
        protected Object run() {
            List<ApiKey> keys = admin.keys(tenant);
            Instant now = Instant.now();
            ShellTable table = new ShellTable();
            for (String c : new String[] {"Id", "Name", "Tenant", "Role", "Prefix", "State", "Last used", "Expires"}) {
                table.column(c);
            }
            for (ApiKey k : keys) {
                table.addRow()
                        .addContent(
                                k.id(),
                                k.name(),
                                k.tenant(),
                                k.role().id(),
                                k.prefix(),
                                k.state(now),
                                k.lastUsedAt() == null ? "never" : k.lastUsedAt(),
                                k.expiresAt() == null ? "never" : k.expiresAt());
            }
            table.print(System.out);
            return null;
        }
    }

    @Service
    @Command(
            scope = "security",
            name = "key-rotate",
            description = "Replace a key with a new secret; the old one works for a grace period, then stops",
            detailedDescription = "Example: security:key-rotate --grace 60 key_0123456789abcdef")
    public static class Rotate extends SecurityCommandSupport {
        @Option(name = "--grace", description = "Minutes the old secret keeps working (default: the configured one)")
        Integer graceMinutes;

        @Argument(index = 0, name = "id", required = true)
        String id;

        @Override
        protected Object run() {
            if (graceMinutes != null && graceMinutes < 0) {
                throw new IllegalArgumentException("--grace must be 0 or more minutes");
            }
            NewKey k = admin.rotateKey(id, graceMinutes == null ? null : Duration.ofMinutes(graceMinutes), operator());
            System.out.println("Rotated " + id + " into " + k.key().id() + ". The new secret, shown this once:");
            System.out.println();
            System.out.println("    " + k.secret());
            System.out.println();
            return null;
        }
    }

    @Service
    @Command(
            scope = "security",
            name = "key-revoke",
            description = "Revoke a key at once",
            detailedDescription = "Example: security:key-revoke key_0123456789abcdef")
    public static class Revoke extends SecurityCommandSupport {
        @Argument(index = 0, name = "id", required = true)
        String id;

        @Override
        protected Object run() {
            ApiKey k = admin.revokeKey(id, operator());
            System.out.println("Revoked " + k.id() + " (" + k.name() + ").");
            return null;
        }
    }

    static Set<String> names(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return Set.of();
        }
        return Set.of(commaSeparated.trim().split("\\s*,\\s*"));
    }

    /** {@code 90d}, {@code 12h}, {@code 30m}, or an ISO-8601 instant; {@code null} for never. */
    static Instant expiry(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.trim();
        if (t.matches("\\d+[dhm]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
            return Instant.now().plus(d);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--expires takes a duration such as 90d, 12h, 30m, or a time such as 2027-01-31T00:00:00Z");
        }
    }
}
