package dev.caracal.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

class StatusRowsTest {
    static final StatusCommand.Kind PROVIDERS = StatusCommand.KINDS.stream()
            .filter(k -> k.label().equals("llm provider"))
            .findFirst()
            .orElseThrow();

    /** A provider registers a chat model, embedding models and a batch service under one id: one row. */
    @Test
    void aProviderIsOneRowNamingWhatItServes() {
        Bundle openai = bundle("dev.caracal.llm.openai");
        List<ServiceReference<?>> refs = List.of(
                reference(openai, "main", "openai", "dev.caracal.llm.ChatModel"),
                reference(openai, "main", "openai", "dev.caracal.llm.EmbeddingModel"),
                reference(openai, "main", "openai", "dev.caracal.llm.EmbeddingModel"),
                reference(openai, "main", "openai", "dev.caracal.llm.BatchService"),
                reference(openai, "other", "openai", "dev.caracal.llm.ChatModel"),
                reference(bundle("dev.caracal.llm.ollama"), "local", "ollama", "dev.caracal.llm.ChatModel"));
        assertEquals(
                List.of(
                        new StatusCommand.Row(
                                "main",
                                "dev.caracal.llm.openai",
                                "provider openai; serves BatchService, ChatModel, EmbeddingModel"),
                        new StatusCommand.Row("other", "dev.caracal.llm.openai", "provider openai; serves ChatModel"),
                        new StatusCommand.Row("local", "dev.caracal.llm.ollama", "provider ollama; serves ChatModel")),
                StatusCommand.rows(PROVIDERS, refs));
    }

    @Test
    void otherKindsKeepOneRowPerNameAndBundle() {
        StatusCommand.Kind indexes = StatusCommand.KINDS.stream()
                .filter(k -> k.label().equals("index type"))
                .findFirst()
                .orElseThrow();
        Bundle ivf = bundle("dev.caracal.vector.index.ivf");
        List<ServiceReference<?>> refs = List.of(
                reference(ivf, Map.of("caracal.index.type", "ivf")),
                reference(ivf, Map.of("caracal.index.type", "ivf-pq")));
        assertEquals(2, StatusCommand.rows(indexes, refs).size());
    }

    private static ServiceReference<?> reference(Bundle bundle, String id, String provider, String objectClass) {
        return reference(
                bundle,
                Map.of(
                        "caracal.provider.id", id,
                        "caracal.llm.provider", provider,
                        "objectClass", new String[] {objectClass}));
    }

    private static ServiceReference<?> reference(Bundle bundle, Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(
                StatusRowsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "getProperty" -> properties.get((String) args[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Bundle bundle(String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(
                StatusRowsTest.class.getClassLoader(),
                new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
