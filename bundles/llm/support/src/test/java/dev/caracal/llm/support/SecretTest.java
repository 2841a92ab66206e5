package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretTest {

    private static final String KEY = "sk-ant-test-Zq8vX2mK4pL9";

    @Test
    void neverShownButRedactedEverywhere() {
        Secret secret = Secret.of("  " + KEY + " ");
        assertTrue(secret.isPresent());
        assertEquals(KEY, secret.reveal());
        assertFalse(secret.toString().contains(KEY));
        assertEquals("(set)", secret.describe());
        assertEquals("bad key *** and again ***", secret.redact("bad key " + KEY + " and again " + KEY));
        assertEquals(null, secret.redact(null));
    }

    @Test
    void placeholdersAndBlanksAreNoSecret() {
        assertSame(Secret.NONE, Secret.of("${env:ANTHROPIC_API_KEY}"));
        assertSame(Secret.NONE, Secret.of(" ${env:X} "));
        assertSame(Secret.NONE, Secret.of(""));
        assertSame(Secret.NONE, Secret.of(null));
        assertTrue(Secret.isUnresolvedPlaceholder("${env:NOT_SET}"));
        assertFalse(Secret.isUnresolvedPlaceholder("sk-${weird"));
        assertTrue(Secret.of("sk-${weird").isPresent());
        assertEquals("(none)", Secret.NONE.describe());
        assertEquals("Secret[none]", Secret.NONE.toString());
    }

    @Test
    void veryShortValuesAreNotMaskedEverywhere() {
        assertEquals("a b c", Secret.of("b").redact("a b c"));
    }

    @Test
    void envPlaceholdersResolveFromTheEnvironment() {
        java.util.Map<String, String> env = java.util.Map.of("ANTHROPIC_API_KEY", KEY);
        assertEquals(KEY, Secret.resolve("${env:ANTHROPIC_API_KEY}", env::get).reveal());
        assertSame(Secret.NONE, Secret.resolve("${env:UNSET}", env::get));
        assertEquals("plain-key-1", Secret.resolve("plain-key-1", env::get).reveal());
        assertSame(Secret.NONE, Secret.resolve("${other:X}", env::get));
        assertSame(Secret.NONE, Secret.resolve(null));
    }
}
