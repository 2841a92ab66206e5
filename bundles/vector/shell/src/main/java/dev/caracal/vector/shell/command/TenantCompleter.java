package dev.caracal.vector.shell.command;

import dev.caracal.vector.VectorStore;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes tenant names: the default tenant and every tenant that has collections. */
@Service
public class TenantCompleter implements Completer {

    @Reference(optional = true)
    VectorStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        names.getStrings().add(VectorStore.DEFAULT_TENANT);
        if (store != null) {
            names.getStrings().addAll(store.collectionsByTenant().keySet());
        }
        return names.complete(session, commandLine, candidates);
    }
}
