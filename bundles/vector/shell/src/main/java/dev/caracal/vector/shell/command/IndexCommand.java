package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(
        scope = "vector",
        name = "index",
        description = "Add, change or drop the index of a collection",
        detailedDescription = "Changes the index of an existing collection. The new index is built from the stored "
                + "records in the background; searches use an exact scan until it is ready (vector:info shows the "
                + "progress). Type flat drops the index. Build parameters come as -p key=value, before the "
                + "arguments.\n"
                + "Example: vector:index -p m=16 -p efConstruction=200 docs hnsw")
public class IndexCommand extends VectorCommandSupport {

    @Option(
            name = "-p",
            aliases = "--param",
            multiValued = true,
            description = "Build parameter key=value (repeatable), e.g. -p m=16; give options before the arguments")
    List<String> params;

    @Argument(index = 0, name = "collection", required = true, description = "Collection name")
    @Completion(CollectionCompleter.class)
    String name;

    @Argument(index = 1, name = "type", required = true, description = "Index type: flat, hnsw, ivf, ...")
    String type;

    @Override
    protected String auditAction() {
        return "index.change";
    }

    @Override
    protected String auditTarget() {
        return name;
    }

    @Override
    protected Object run() {
        CollectionInfo before = vectors.describe(name);
        CollectionInfo info = vectors.changeIndex(name, new IndexSpec(type, parseParams(params)));
        String t = info.spec().index().type();
        if (IndexSpec.FLAT.equals(t)) {
            System.out.println(
                    IndexSpec.FLAT.equals(before.spec().index().type())
                            ? "Collection '" + label(name) + "' already searches by exact scan (flat)"
                            : "Dropped the " + before.spec().index().type() + " index of '" + label(name)
                                    + "'; searches use an exact scan (flat)");
        } else if (info.index() != null && info.index().status() == IndexStatus.BUILDING) {
            System.out.println("Building " + t + " index for '" + label(name) + "' in the background; "
                    + commandLine("vector:info", name) + " shows progress");
        } else if (info.index() != null && info.index().status() == IndexStatus.DEGRADED) {
            System.out.println("Changed the index of '" + label(name) + "' to " + t + ", but "
                    + info.index().message());
        } else {
            System.out.println("Collection '" + label(name) + "' already has this " + t + " index ("
                    + (info.index() == null
                            ? "ready"
                            : info.index().status().name().toLowerCase(Locale.ROOT))
                    + "); " + commandLine("vector:rebuild", name) + " rebuilds it");
        }
        return null;
    }

    /** {@code key=value} pairs; a value is a long, else a double, else true/false, else a string. */
    static Map<String, Object> parseParams(List<String> pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (pairs == null) {
            return out;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException("-p", "expected key=value, got '" + pair + "'");
            }
            String key = pair.substring(0, eq).trim();
            if (key.isEmpty()) {
                throw new InvalidRequestException("-p", "expected key=value, got '" + pair + "'");
            }
            out.put(key, parseValue(pair.substring(eq + 1).trim()));
        }
        return out;
    }

    static Object parseValue(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException notLong) {
            // next
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException notDouble) {
            // next
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
        }
        return v;
    }
}
