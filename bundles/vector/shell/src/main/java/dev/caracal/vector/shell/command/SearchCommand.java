package dev.caracal.vector.shell.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.caracal.core.json.Json;
import dev.caracal.vector.Filter;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.http.codec.VectorJson;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "vector", name = "search", description = "Semantic search of a collection by text",
        detailedDescription = "Example: vector:search \"how do compilers optimise loops\" -k 5 "
                + "--filter '{\"eq\":{\"lang\":\"en\"}}'")
public class SearchCommand extends VectorCommandSupport {

    @Argument(index = 0, name = "text", required = true, description = "What to search for")
    String text;

    @Option(name = "-c", aliases = "--collection", description = "Collection (default: documents)")
    @Completion(CollectionCompleter.class)
    String collection = IngestCommand.DEFAULT_COLLECTION;

    @Option(name = "-k", description = "How many results (default 10)")
    int k = 10;

    @Option(name = "-f", aliases = "--filter", description = "Metadata filter as JSON, e.g. {\"eq\":{\"lang\":\"en\"}}")
    String filterJson;

    @Option(name = "-w", aliases = "--width", description = "Characters of text shown per result (default 100)")
    int width = 100;

    @Override
    protected Object run() {
        Filter filter = null;
        if (filterJson != null) {
            try {
                filter = VectorJson.readFilter(Json.mapper().readTree(filterJson), "filter");
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException("filter", "not valid JSON: " + e.getOriginalMessage());
            }
        }
        if (k < 1) {
            throw new InvalidRequestException("k", "k must be a positive integer");
        }
        SearchResult result = store.search(collection, SearchRequest.ofText(text, k, filter));
        if (result.hits().isEmpty()) {
            System.out.println("No results.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Score").alignRight();
        table.column("Id");
        table.column("Text").maxSize(Math.max(20, width));
        int rank = 1;
        for (SearchHit hit : result.hits()) {
            table.addRow().addContent(rank++, String.format(Locale.ROOT, "%.4f", hit.score()), hit.id(), snippet(hit.text()));
        }
        table.print(System.out);
        if (result.degraded()) {
            System.out.println("(served by an exact scan: the collection's index is unavailable)");
        }
        return null;
    }

    private String snippet(String t) {
        if (t == null) {
            return "";
        }
        String flat = t.replaceAll("\\s+", " ").trim();
        return flat.length() <= width ? flat : flat.substring(0, Math.max(0, width - 1)) + "…";
    }
}
