package dev.caracal.security.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Karaf's shipped karaf/karaf console login is replaced at the first start, and the file kept from other users. */
class ConsoleLoginTest {
    static final String SHIPPED = "#\n# users\n#\nkaraf = karaf,_g_:admingroup\n_g_\\:admingroup = group,admin,ssh\n";

    @TempDir
    Path dir;

    @Test
    void theShippedPasswordIsReplacedOnceByAGeneratedOneSavedForItsOwnerOnly() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, SHIPPED);
        String password = ConsoleLogin.secure(users, dir, Map.<String, String>of()::get);
        assertNotNull(password);
        assertTrue(password.length() >= 24, password);
        assertTrue(
                Files.readString(users).contains("karaf = " + password + ",_g_:admingroup"), Files.readString(users));
        assertTrue(Files.readString(users).contains("_g_\\:admingroup = group,admin,ssh"), "the groups are kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        assertEquals(
                password,
                Files.readString(dir.resolve(ConsoleLogin.PASSWORD_FILE)).trim());
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ConsoleLogin.PASSWORD_FILE))));
        assertNull(
                ConsoleLogin.secure(users, dir, Map.<String, String>of()::get), "shown once: the next start keeps it");
        assertTrue(Files.readString(users).contains("karaf = " + password + ","));
    }

    @Test
    void theEnvironmentsPasswordIsThePasswordAtEveryStart() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, SHIPPED);
        assertNull(ConsoleLogin.secure(users, dir, Map.of(ConsoleLogin.ENV_PASSWORD, "s3cret-one")::get));
        assertTrue(Files.readString(users).contains("karaf = s3cret-one,_g_:admingroup"));
        ConsoleLogin.secure(users, dir, Map.of(ConsoleLogin.ENV_PASSWORD, "s3cret-two")::get);
        assertTrue(Files.readString(users).contains("karaf = s3cret-two,_g_:admingroup"));
        assertTrue(Files.notExists(dir.resolve(ConsoleLogin.PASSWORD_FILE)), "nothing generated, nothing saved");
    }
}
