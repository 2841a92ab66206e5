package dev.caracal.vector.shell.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.caracal.core.json.Json;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.json.VectorJson;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(
        scope = "vector",
        name = "search",
        description = "Search a collection by text: semantic, keyword or hybrid",
        detailedDescription = "Modes: vector (default; the text is embedded), keyword (BM25 over record text) and "
                + "hybrid (both rankings fused by reciprocal rank, or by weighted normalized scores with --alpha).\n"
                + "Examples:\n  vector:search -k 5 --filter '{\"eq\":{\"lang\":\"en\"}}' 'how do compilers "
                + "optimise loops'\n  vector:search -m keyword 'loop optimization'\n"
                + "  vector:search -m hybrid --fusion weighted --alpha 0.7 'loop optimization'")
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

    @Option(name = "-m", aliases = "--mode", description = "vector (default), keyword or hybrid")
    @Completion(
            value = org.apache.karaf.shell.support.completers.StringsCompleter.class,
            values = {"vector", "keyword", "hybrid"})
    String mode = "vector";

    @Option(name = "--fusion", description = "Hybrid fusion: rrf (default) or weighted")
    @Completion(
            value = org.apache.karaf.shell.support.completers.StringsCompleter.class,
            values = {"rrf", "weighted"})
    String fusion;

    @Option(name = "--alpha", description = "Weighted fusion: weight of the vector ranking, 0 to 1 (default 0.5)")
    Double alpha;

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
        SearchMode searchMode;
        try {
            searchMode = SearchMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("mode", "unknown mode '" + mode + "'; use vector, keyword or hybrid");
        }
        Fusion f = null;
        if (fusion != null || alpha != null) {
            if (searchMode != SearchMode.HYBRID) {
                throw new InvalidRequestException(
                        "fusion", "--fusion and --alpha apply to hybrid searches " + "(-m hybrid)");
            }
            Fusion.Method method = Fusion.Method.RRF;
            if (fusion != null) {
                try {
                    method = Fusion.Method.valueOf(fusion.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequestException("fusion", "unknown fusion '" + fusion + "'; use rrf or weighted");
                }
            }
            if (alpha != null && fusion == null) {
                method = Fusion.Method.WEIGHTED; // --alpha alone means weighted fusion
            }
            f = new Fusion(method, alpha == null ? Fusion.DEFAULT_ALPHA : alpha, Fusion.DEFAULT_RRF_K, 0);
        }
        SearchResult result =
                vectors.search(collection, new SearchRequest(null, text, k, filter, searchMode, null, false, f));
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
            table.addRow()
                    .addContent(rank++, String.format(Locale.ROOT, "%.4f", hit.score()), hit.id(), snippet(hit.text()));
        }
        table.print(System.out);
        if (result.degraded()) {
            System.out.println(
                    searchMode == SearchMode.HYBRID && !result.servedBy().contains("+")
                            ? "(vector ranking only: the collection's text index is unavailable)"
                            : "(served by an exact scan: the collection's index is unavailable)");
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
