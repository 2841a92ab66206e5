package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.IndexState;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "vector", name = "info", description = "Describe a collection: spec, record count, index state")
public class InfoCommand extends VectorCommandSupport {

    @Argument(index = 0, name = "collection", required = true, description = "Collection name")
    @Completion(CollectionCompleter.class)
    String name;

    @Override
    protected Object run() {
        CollectionInfo c = vectors.describe(name);
        ShellTable table = new ShellTable();
        table.column("Property");
        table.column("Value");
        table.addRow().addContent("name", c.spec().name());
        table.addRow().addContent("tenant", tenant());
        table.addRow().addContent("records", c.count());
        table.addRow().addContent("dimension", c.spec().dimension());
        table.addRow().addContent("metric", c.spec().metric().id());
        table.addRow()
                .addContent(
                        "embedding",
                        c.spec().embeddingModel() == null ? "-" : c.spec().embeddingModel());
        table.addRow()
                .addContent(
                        "index",
                        c.spec().index().type()
                                + (c.spec().index().params().isEmpty()
                                        ? ""
                                        : " " + c.spec().index().params()));
        if (c.index() != null) {
            table.addRow().addContent("index state", indexState(c.index()));
            if (c.index().message() != null) {
                table.addRow().addContent("index message", c.index().message());
            }
        }
        IndexState text = c.textIndex();
        if (text == null) {
            table.addRow()
                    .addContent(
                            "keyword index",
                            "none (install caracal-vector-text-bm25 for keyword and " + "hybrid search)");
        } else {
            String status = text.status().name().toLowerCase(Locale.ROOT);
            table.addRow()
                    .addContent(
                            "keyword index",
                            switch (text.status()) {
                                case READY -> status + ", " + text.type();
                                case BUILDING ->
                                    status + String.format(Locale.ROOT, " %.0f%%", Math.floor(text.progress() * 100))
                                            + " (" + text.type() + "), hybrid uses vectors only meanwhile";
                                case DEGRADED -> status + " (" + text.type() + "): " + text.message();
                            });
        }
        table.addRow()
                .addContent(
                        "created", c.createdAt() == null ? "-" : c.createdAt().toString());
        table.print(System.out);
        return null;
    }

    /** {@code ready, served by hnsw}, {@code building 42%, exact scan meanwhile}, {@code degraded, exact scan}. */
    static String indexState(IndexState s) {
        String status = s.status().name().toLowerCase(Locale.ROOT);
        return switch (s.status()) {
            case READY -> status + ", served by " + s.type();
            case BUILDING ->
                status + String.format(Locale.ROOT, " %.0f%%", Math.floor(s.progress() * 100)) + " (" + s.type()
                        + "), exact scan meanwhile";
            case DEGRADED -> status + " (" + s.type() + "), exact scan";
        };
    }
}
