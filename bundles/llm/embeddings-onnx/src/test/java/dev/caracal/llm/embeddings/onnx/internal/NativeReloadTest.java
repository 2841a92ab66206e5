package dev.caracal.llm.embeddings.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import ai.onnxruntime.OrtEnvironment;
import dev.caracal.llm.EmbeddingModel;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a bundle refresh or reinstall does to ONNX Runtime: the bundle's classes, ONNX Runtime's Java classes and its
 * natives are loaded again by a new class loader while the old one may still be alive. Each class loader here plays
 * one bundle generation (child-first for the embedded packages, the API and libraries from the parent).
 */
class NativeReloadTest {

    private static final String TEXT = "Interarrival statistics for time sharing systems";

    /** Loads the embedded packages and resources itself, as a bundle class loader does. */
    private static final class BundleGeneration extends URLClassLoader {
        BundleGeneration(URL[] urls) {
            super("bundle-generation", urls, NativeReloadTest.class.getClassLoader());
        }

        private static boolean embedded(String name) {
            return name.startsWith("ai.onnxruntime.") || name.startsWith("dev.caracal.llm.embeddings.onnx.internal.");
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!embedded(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return findResources(name);
        }
    }

    private static URL[] bundleContent() {
        Set<URL> urls = new LinkedHashSet<>();
        urls.add(AllMiniLmEmbeddingModel.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation());
        urls.add(OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation());
        return urls.toArray(new URL[0]);
    }

    /** Activates the component as loaded by {@code loader}, embeds, deactivates. */
    private static float[] embedIn(ClassLoader loader) throws Exception {
        Class<?> componentClass = loader.loadClass(AllMiniLmEmbeddingModel.class.getName());
        Class<?> configClass = loader.loadClass(AllMiniLmEmbeddingModel.Config.class.getName());
        Object config = Proxy.newProxyInstance(
                loader,
                new Class<?>[] {configClass},
                (proxy, method, args) ->
                        method.getName().equals("annotationType") ? configClass : method.getDefaultValue());
        Object component = componentClass.getConstructor().newInstance();
        Method activate = componentClass.getDeclaredMethod("activate", configClass);
        Method deactivate = componentClass.getDeclaredMethod("deactivate");
        activate.setAccessible(true);
        deactivate.setAccessible(true);
        activate.invoke(component, config);
        try {
            return ((EmbeddingModel) component).embed(List.of(TEXT)).vectors().get(0);
        } finally {
            deactivate.invoke(component);
        }
    }

    @Test
    void everyGenerationLoadsItsOwnNativesWhileTheOthersLive() throws Exception {
        AllMiniLmEmbeddingModel current = TestConfigs.activated(Map.of());
        try {
            float[] expected = current.embed(List.of(TEXT)).vectors().get(0);
            for (int generation = 0; generation < 3; generation++) {
                try (BundleGeneration loader = new BundleGeneration(bundleContent())) {
                    assertNotSame(OrtEnvironment.class, loader.loadClass(OrtEnvironment.class.getName()));
                    assertArrayEquals(expected, embedIn(loader), "generation " + generation);
                    // and once more in the same generation: deactivate then activate again
                    assertArrayEquals(expected, embedIn(loader), "generation " + generation + ", reactivated");
                }
            }
            // the first generation is still fine after the others came and went
            assertEquals(384, current.embed(List.of(TEXT)).vectors().get(0).length);
        } finally {
            current.deactivate();
        }
    }
}
