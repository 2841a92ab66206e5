package dev.caracal.llm.embeddings.onnx.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Component configurations for tests, as Declarative Services would build them: defaults unless overridden. */
final class TestConfigs {

    private TestConfigs() {}

    static AllMiniLmEmbeddingModel.Config defaults() {
        return with(Map.of());
    }

    static AllMiniLmEmbeddingModel.Config with(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        return (AllMiniLmEmbeddingModel.Config) Proxy.newProxyInstance(
                TestConfigs.class.getClassLoader(),
                new Class<?>[] {AllMiniLmEmbeddingModel.Config.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return AllMiniLmEmbeddingModel.Config.class;
                    }
                    Object value = values.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }

    static AllMiniLmEmbeddingModel activated(Map<String, Object> overrides) throws Exception {
        AllMiniLmEmbeddingModel model = new AllMiniLmEmbeddingModel();
        model.activate(with(overrides));
        return model;
    }
}
