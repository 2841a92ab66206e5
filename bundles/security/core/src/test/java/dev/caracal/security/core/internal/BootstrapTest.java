package dev.caracal.security.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first admin key: from CARACAL_ADMIN_KEY when set, otherwise generated once, saved owner-only and shown. */
class BootstrapTest {
    @TempDir
    Path dir;

    @Test
    void aFreshInstallGeneratesOneAdminKeySavesItForItsOwnerOnlyAndShowsItOnce() throws Exception {
        String secret;
        try (SecurityFixture f = new SecurityFixture(dir).open(Map.of(), SecurityConfigValues.defaults())) {
            Path file = dir.resolve(Bootstrap.KEY_FILE);
            secret = Files.readString(file).trim();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertTrue(f.consoleText().contains(secret), "shown on the console");
            assertTrue(f.consoleText().contains("Authorization: Bearer"), f.consoleText());
            KeyIndex.Verification v = f.index.verify(secret, f.clock.instant());
            assertEquals(KeyIndex.Verdict.VALID, v.verdict());
            assertEquals(Role.ADMIN, v.key().role());
            assertEquals("default", v.key().tenant());
        }
        try (SecurityFixture again = new SecurityFixture(dir).open(Map.of(), SecurityConfigValues.defaults())) {
            assertEquals("", again.consoleText(), "shown once: the second start shows nothing");
            assertEquals(1, again.admin.keys(null).size());
            assertEquals(
                    KeyIndex.Verdict.VALID,
                    again.index.verify(secret, again.clock.instant()).verdict());
        }
    }

    @Test
    void theEnvironmentsKeyIsTheAdminKeyAndTheVariableOwnsIt() {
        try (SecurityFixture f = new SecurityFixture(dir)
                .open(Map.of(Bootstrap.ENV_KEY, "first-value-0123456789abcdef"), SecurityConfigValues.defaults())) {
            assertEquals(
                    KeyIndex.Verdict.VALID,
                    f.index
                            .verify("first-value-0123456789abcdef", f.clock.instant())
                            .verdict());
            assertFalse(Files.exists(dir.resolve(Bootstrap.KEY_FILE)), "nothing generated when the variable is set");
            assertEquals("", f.consoleText());
        }
        try (SecurityFixture f = new SecurityFixture(dir)
                .open(Map.of(Bootstrap.ENV_KEY, "second-value-0123456789abcdef"), SecurityConfigValues.defaults())) {
            assertEquals(
                    KeyIndex.Verdict.UNKNOWN,
                    f.index
                            .verify("first-value-0123456789abcdef", f.clock.instant())
                            .verdict());
            assertEquals(
                    KeyIndex.Verdict.VALID,
                    f.index
                            .verify("second-value-0123456789abcdef", f.clock.instant())
                            .verdict());
            assertEquals(1, f.admin.keys(null).size());
        }
        try (SecurityFixture f = new SecurityFixture(dir).open(Map.of(), SecurityConfigValues.defaults())) {
            assertEquals(
                    KeyIndex.Verdict.UNKNOWN,
                    f.index
                            .verify("second-value-0123456789abcdef", f.clock.instant())
                            .verdict(),
                    "a start without the variable removes its key");
            // with no key left the server would be unreachable over HTTP: one is generated, as at a first start
            assertEquals(1, f.admin.keys(null).size());
            assertTrue(Files.exists(dir.resolve(Bootstrap.KEY_FILE)));
        }
    }
}
