package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.VectorStore;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes collection names. */
@Service
public class CollectionCompleter implements Completer {

    @Reference(optional = true)
    VectorStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        if (store != null) {
            for (CollectionInfo info : store.listCollections()) {
                names.getStrings().add(info.spec().name());
            }
        }
        return names.complete(session, commandLine, candidates);
    }
}
