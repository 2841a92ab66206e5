package dev.caracal.vector.store.internal;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.index.VectorIndexFactory;
import dev.caracal.vector.text.TextIndexFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which index and text-index plugin serves each collection of the {@link CollectionRegistry}: index changes and
 * rebuilds asked for, and the arrival and departure of plugins, fanned out to every open collection (the
 * {@link PluginRegistry} attaches them one collection at a time). Everything here holds the registry's lock, so an
 * index change never races a create, a drop or a plugin leaving.
 */
final class IndexAssignments {
    private static final Logger LOG = LoggerFactory.getLogger(IndexAssignments.class);

    private final CollectionRegistry registry;
    private final PluginRegistry plugins;
    private final SpecResolver specs;

    IndexAssignments(CollectionRegistry registry, PluginRegistry plugins, SpecResolver specs) {
        this.registry = registry;
        this.plugins = plugins;
        this.specs = specs;
    }

    /** Adds, replaces or removes (type {@code flat}) a collection's index; the new one builds in the background. */
    CollectionInfo changeIndex(String tenant, String name, IndexSpec index) {
        registry.checkOpen();
        if (index == null) {
            throw new InvalidRequestException("index", "an index spec is required");
        }
        synchronized (registry.lock()) {
            StoredCollection c = registry.require(tenant, name);
            IndexSpec resolved = specs.resolveIndex(index, c.spec.metric());
            IndexSpec current = c.index.spec();
            if (SpecResolver.sameIndex(current, resolved)) {
                return CollectionRegistry.info(c);
            }
            VectorIndexFactory f = plugins.factoryFor(resolved);
            c.replaceIndex(resolved, f, true);
            LOG.info(
                    "Collection '{}': index changed from {} to {}{}",
                    c.label,
                    current.type(),
                    resolved.type(),
                    f == null ? "" : "; building it in the background");
            return CollectionRegistry.info(c);
        }
    }

    /** Rebuilds a collection's index in the background (nothing to do for a flat one, or while its plugin is away). */
    CollectionInfo rebuildIndex(String tenant, String name) {
        registry.checkOpen();
        synchronized (registry.lock()) {
            StoredCollection c = registry.require(tenant, name);
            IndexSlot slot = c.index;
            if (slot.isFlat()) {
                return CollectionRegistry.info(c);
            }
            VectorIndexFactory f = plugins.factoryFor(slot.spec());
            if (f == null) {
                return CollectionRegistry.info(c); // DEGRADED: rebuilt when a plugin of its type arrives
            }
            c.replaceIndex(slot.spec(), f, false);
            LOG.info("Collection '{}': rebuilding its {} index in the background", c.label, slot.type());
            return CollectionRegistry.info(c);
        }
    }

    // ---- plugins arriving and leaving

    void indexFactoryArrived(VectorIndexFactory factory, String type) {
        synchronized (registry.lock()) {
            plugins.addIndexFactory(factory, type);
            if (registry.isOpen()) {
                for (StoredCollection c : registry.all()) {
                    plugins.attachIndex(c);
                }
            }
        }
    }

    void indexFactoryLeft(VectorIndexFactory factory) {
        synchronized (registry.lock()) {
            String type = plugins.removeIndexFactory(factory);
            if (type == null) {
                return;
            }
            for (StoredCollection c : registry.all()) {
                plugins.detachIndex(c, factory, type);
            }
        }
    }

    void textFactoryArrived(TextIndexFactory factory) {
        synchronized (registry.lock()) {
            plugins.addTextFactory(factory);
            if (registry.isOpen()) {
                for (StoredCollection c : registry.all()) {
                    plugins.attachText(c);
                }
            }
        }
    }

    void textFactoryLeft(TextIndexFactory factory) {
        synchronized (registry.lock()) {
            if (!plugins.removeTextFactory(factory)) {
                return;
            }
            for (StoredCollection c : registry.all()) {
                plugins.detachText(c, factory);
            }
        }
    }
}
