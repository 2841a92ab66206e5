package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.TenantNames;
import dev.caracal.vector.VectorStore;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the collection names of the tenant the command line names with {@code --tenant} (default: default). */
@Service
public class CollectionCompleter implements Completer {

    @Reference(optional = true)
    VectorStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        String tenant = tenantOf(commandLine.getArguments());
        if (store != null && TenantNames.isValid(tenant)) {
            for (CollectionInfo info : store.forTenant(tenant).listCollections()) {
                names.getStrings().add(info.spec().name());
            }
        }
        return names.complete(session, commandLine, candidates);
    }

    /** The value of {@code --tenant} or {@code -t} among {@code arguments}, or the default tenant. */
    static String tenantOf(String[] arguments) {
        for (int i = 0; arguments != null && i < arguments.length; i++) {
            String a = arguments[i];
            if ((a.equals("--tenant") || a.equals("-t")) && i + 1 < arguments.length) {
                return arguments[i + 1];
            }
            if (a.startsWith("--tenant=")) {
                return a.substring("--tenant=".length());
            }
        }
        return VectorStore.DEFAULT_TENANT;
    }
}
