package dev.caracal.security.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's login. Karaf ships the user {@code karaf} with the password {@code karaf} in
 * {@code etc/users.properties}; at the first start that password is replaced by {@value #ENV_PASSWORD} when set, or
 * by a generated one, saved owner-only in {@code console.password} beside the admin key and shown once. The file
 * becomes readable by its owner only ({@code bin/client} reads its password from it, so it keeps working). When
 * {@value #ENV_PASSWORD} is set, it is the password at every start.
 */
final class ConsoleLogin {
    static final String ENV_PASSWORD = "CARACAL_CONSOLE_PASSWORD";
    static final String PASSWORD_FILE = "console.password";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLogin.class);
    /** {@code karaf = <password>,<roles...>}: the user line Karaf ships. */
    private static final Pattern USER_LINE = Pattern.compile("^(\\s*karaf\\s*=\\s*)([^,]*)(,.*)$");

    private ConsoleLogin() {}

    /**
     * Secures the console login in {@code usersFile}; returns the password to show once (a generated one), or
     * {@code null} when there is nothing to show.
     */
    static String secure(Path usersFile, Path dataDirectory, Function<String, String> env) {
        if (!Files.isRegularFile(usersFile)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(usersFile, StandardCharsets.UTF_8);
            String fromEnv = env.apply(ENV_PASSWORD);
            String generated = null;
            List<String> out = new ArrayList<>(lines.size());
            boolean changed = false;
            for (String line : lines) {
                Matcher m = USER_LINE.matcher(line);
                if (m.matches()) {
                    String current = m.group(2).trim();
                    String wanted = null;
                    if (fromEnv != null && !fromEnv.isBlank()) {
                        wanted = fromEnv.trim();
                    } else if (current.equals("karaf")) {
                        generated = Secrets.newPassword();
                        wanted = generated;
                    }
                    if (wanted != null && !wanted.equals(current)) {
                        line = m.group(1) + wanted + m.group(3);
                        changed = true;
                    }
                }
                out.add(line);
            }
            if (changed) {
                Bootstrap.writeOwnerOnly(usersFile, String.join("\n", out) + "\n");
                LOG.info(
                        "The console password of user karaf was {}",
                        generated != null ? "generated" : "set from " + ENV_PASSWORD);
            } else {
                ownerOnly(usersFile);
            }
            if (generated != null) {
                Bootstrap.writeOwnerOnly(dataDirectory.resolve(PASSWORD_FILE), generated + "\n");
            }
            return generated;
        } catch (IOException e) {
            LOG.error(
                    "The console login in {} could not be secured; change the password of user karaf yourself",
                    usersFile,
                    e);
            return null;
        }
    }

    static String banner(String password, Path file) {
        String rule = "-".repeat(100);
        return String.join(
                "\n",
                rule,
                " The console login is now user karaf with a generated password, shown this once and saved in",
                "   " + file.toAbsolutePath() + " (readable only by you):",
                "",
                "   " + password,
                "",
                " bin/client finds it by itself; ssh -p 8101 karaf@localhost asks for it (SSH listens on 127.0.0.1 only).",
                rule,
                "");
    }

    private static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: leave it
        }
    }
}
