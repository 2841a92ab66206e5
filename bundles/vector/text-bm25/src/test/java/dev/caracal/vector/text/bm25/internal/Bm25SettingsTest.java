package dev.caracal.vector.text.bm25.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caracal.vector.text.TextIndexFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Bm25SettingsTest {

    @Test
    void defaults() {
        assertEquals(new Bm25Settings("english", 1.2f, 0.75f), Bm25Settings.fromConfig(null));
        assertEquals(Bm25Settings.DEFAULTS, Bm25Settings.fromConfig(Map.of()));
        assertEquals(Bm25Settings.DEFAULTS, Bm25Settings.fromConfig(Map.of("analyzer", " ", "k1", "", "b", "")));
    }

    @Test
    void validValues() {
        assertEquals(
                new Bm25Settings("standard", 0.9f, 0.4f),
                Bm25Settings.fromConfig(Map.of("analyzer", "Standard", "k1", "0.9", "b", 0.4)));
        assertEquals(new Bm25Settings("english", 0f, 1f), Bm25Settings.fromConfig(Map.of("k1", 0, "b", 1L)));
    }

    @Test
    void invalidValuesFallBackToTheirDefaultOnly() {
        Map<String, Object> config = new HashMap<>();
        config.put("analyzer", "klingon");
        config.put("k1", "abc");
        config.put("b", "0.3");
        assertEquals(new Bm25Settings("english", 1.2f, 0.3f), Bm25Settings.fromConfig(config));
        assertEquals(
                new Bm25Settings("standard", 1.2f, 0.75f),
                Bm25Settings.fromConfig(Map.of("analyzer", "standard", "k1", -1, "b", 1.5)));
        assertEquals(Bm25Settings.DEFAULTS, Bm25Settings.fromConfig(Map.of("k1", Double.NaN, "b", Double.NaN)));
        assertEquals(Bm25Settings.DEFAULTS, Bm25Settings.fromConfig(Map.of("k1", "Infinity")));
    }

    @Test
    void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> new Bm25Settings("x", 1, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> new Bm25Settings("english", -1, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> new Bm25Settings("english", 1, 2));
    }

    @Test
    void factoryActivatesAndReconfigures() {
        Bm25TextIndexFactory factory = new Bm25TextIndexFactory();
        factory.activate(Map.of(TextIndexFactory.TYPE_PROPERTY, "bm25"));
        assertEquals("bm25", factory.type());
        assertEquals(Bm25Settings.DEFAULTS, factory.settings());
        factory.modified(Map.of("analyzer", "standard", "k1", 1.5));
        assertEquals(new Bm25Settings("standard", 1.5f, 0.75f), factory.settings());
    }
}
