package dev.caracal.vector.store.internal;

import dev.caracal.vector.IndexState;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexContext;
import dev.caracal.vector.text.TextIndexFactory;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The keyword index of one collection (see {@link PluginSlot} for the life cycle): the text of every record that has
 * one, fed to the text-index plugin in use. Without a plugin, keyword searches are refused and hybrid searches answer
 * with their vector part, reported degraded.
 */
final class TextSlot extends PluginSlot<TextIndexFactory, TextIndex> {
    private volatile String type;

    TextSlot(StoredCollection collection, Executor buildExecutor) {
        super(collection, buildExecutor, true, new View<>(IndexStatus.DEGRADED, null, null, ABSENT));
    }

    private static final String ABSENT = "no text index plugin is installed (feature caracal-vector-text-bm25); "
            + "keyword search is unavailable and hybrid search uses vectors only";

    /** The state, or {@code null} when no text-index plugin has served this collection since it was opened. */
    IndexState state() {
        View<TextIndexFactory, TextIndex> v = view();
        String t = type;
        if (t == null) {
            return null;
        }
        return new IndexState(t, v.status(), progress(), v.message());
    }

    @Override
    long claim(TextIndexFactory factory) {
        long gen = super.claim(factory);
        if (gen >= 0) {
            type = factory.type();
        }
        return gen;
    }

    @Override
    String label() {
        return "the text index";
    }

    @Override
    String buildingMessage() {
        return "building the text index; keyword search is unavailable and hybrid search uses vectors only meanwhile";
    }

    @Override
    Path directory() {
        return collection.directory.resolve("text");
    }

    @Override
    TextIndex open(TextIndexFactory factory, Path directory) {
        return factory.open(new TextIndexContext(collection.label, directory));
    }

    @Override
    int restoredOrdinals(TextIndex index) {
        return index.restoredOrdinals();
    }

    @Override
    void add(TextIndex index, Snapshot s, int ordinal) {
        byte[] payload = collection.payload(s, ordinal);
        if (payload != null) {
            addText(index, ordinal, payload);
        }
    }

    @Override
    void addPublished(TextIndex index, Snapshot published, Batch batch, int i) {
        addText(index, batch.addOrdinals[i], batch.addPayloads[i]);
    }

    private static void addText(TextIndex index, int ordinal, byte[] payload) {
        String text = RecordCodec.decode(payload, false, true, false).text();
        if (text != null && !text.isBlank()) {
            index.add(ordinal, text);
        }
    }

    @Override
    void remove(TextIndex index, int ordinal) {
        index.remove(ordinal);
    }

    @Override
    void persist(TextIndex index, int coveredOrdinals) {
        index.persist(coveredOrdinals);
    }

    @Override
    void closeIndex(TextIndex index) {
        index.close();
    }

    @Override
    int size(TextIndex index) {
        return index.size();
    }

    @Override
    String absentMessage() {
        return ABSENT;
    }

    @Override
    String fallbackNote() {
        return "; keyword search is unavailable and hybrid search uses vectors only";
    }
}
