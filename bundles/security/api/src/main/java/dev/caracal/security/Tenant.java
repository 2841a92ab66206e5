package dev.caracal.security;

import java.time.Instant;
import java.util.regex.Pattern;

/** A tenant: the owner of collections, keys and everything else users create. Names are unique. */
public record Tenant(String name, Instant createdAt) {
    /** The tenant of everything created before tenants existed, and of the console's commands by default. */
    public static final String DEFAULT = "default";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    /** Whether {@code name} is a valid tenant name: 1 to 63 of a-z, 0-9, '-', '_', starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** What a valid tenant name looks like, for error messages. */
    public static String nameRule() {
        return "1 to 63 characters of a-z, 0-9, '-' and '_', starting with a letter or digit";
    }
}
