package dev.caracal.llm.support;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A credential from the configuration (an API key). Its {@link #toString()} never shows it, {@link #redact} masks it
 * in any text (an upstream may echo it in an error message), and a {@code ${env:NAME}} placeholder that the container
 * left unresolved (the variable is not set) counts as no secret. Only {@link #reveal()} gives the value, for the
 * request header that needs it. Immutable.
 */
public final class Secret {

    /** No secret: {@link #redact} returns the text unchanged. */
    public static final Secret NONE = new Secret("");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]+}");
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{env:([^}:]+)}");
    /** Shorter values are not masked: replacing one or two characters everywhere would garble every message. */
    private static final int MIN_REDACTED_LENGTH = 4;

    private static final String MASK = "***";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** The configured value, trimmed; blank or an unresolved placeholder means {@link #NONE}. */
    public static Secret of(String configured) {
        if (configured == null || configured.isBlank() || isUnresolvedPlaceholder(configured)) {
            return NONE;
        }
        return new Secret(configured.trim());
    }

    /**
     * Like {@link #of}, but a value that is exactly {@code ${env:NAME}} is looked up in the process environment first:
     * Config Admin interpolates placeholders in configuration files, not in a metatype default (such as an
     * {@code apiKey} that defaults to {@code ${env:ANTHROPIC_API_KEY}}). An unset variable means {@link #NONE}.
     */
    public static Secret resolve(String configured) {
        return resolve(configured, System::getenv);
    }

    /** {@link #resolve(String)} with {@code environment} in place of {@link System#getenv(String)}. */
    public static Secret resolve(String configured, Function<String, String> environment) {
        if (configured != null) {
            Matcher m = ENV_PLACEHOLDER.matcher(configured.trim());
            if (m.matches()) {
                return of(environment.apply(m.group(1)));
            }
        }
        return of(configured);
    }

    /**
     * Whether {@code value} is exactly a placeholder such as {@code ${env:OPENAI_API_KEY}} that the container left as
     * is (the variable is not set). A value that merely contains {@code ${} is a real value.
     */
    public static boolean isUnresolvedPlaceholder(String value) {
        return value != null && PLACEHOLDER.matcher(value.trim()).matches();
    }

    public boolean isPresent() {
        return !value.isEmpty();
    }

    /** The secret itself, for the request header that carries it; never log or return it. */
    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of the secret replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null || value.length() < MIN_REDACTED_LENGTH) {
            return text;
        }
        return text.replace(value, MASK);
    }

    /** {@code (set)} or {@code (none)}, for a configuration's toString. */
    public String describe() {
        return isPresent() ? "(set)" : "(none)";
    }

    @Override
    public String toString() {
        return "Secret[" + (isPresent() ? MASK : "none") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
