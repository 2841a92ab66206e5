package dev.caracal.vector;

import java.util.regex.Pattern;

/**
 * What a tenant's name may be: 1 to 63 characters of a-z, 0-9, '-' and '_', starting with a letter or digit (the
 * security API's rule, kept here so that the vector API depends on nothing else). A tenant's collections live in a
 * folder of that name, so the rule is also what keeps one tenant out of another's folder.
 *
 * @since 1.4
 */
public final class TenantNames {
    /** What a valid tenant name looks like, for messages. */
    public static final String RULE = "1 to 63 characters of a-z, 0-9, '-' and '_', starting with a letter or digit";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private TenantNames() {}

    /** Whether {@code name} is a valid tenant name. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Returns {@code name} when it is a valid tenant name; otherwise an {@link InvalidRequestException} naming {@code tenant}. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new InvalidRequestException(
                    "tenant",
                    name == null ? "a tenant name is required" : "invalid tenant name '" + name + "': use " + RULE);
        }
        return name;
    }
}
