package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

@Service
@Command(
        scope = "vector",
        name = "rebuild",
        description = "Rebuild the index of a collection from its records",
        detailedDescription = "Rebuilds the collection's index from the stored records in the background; searches "
                + "use an exact scan until the new index is swapped in (vector:info shows the progress).")
public class RebuildCommand extends VectorCommandSupport {

    @Argument(index = 0, name = "collection", required = true, description = "Collection name")
    @Completion(CollectionCompleter.class)
    String name;

    @Override
    protected String auditAction() {
        return "index.rebuild";
    }

    @Override
    protected String auditTarget() {
        return name;
    }

    @Override
    protected Object run() throws CommandException {
        CollectionInfo info = vectors.rebuildIndex(name);
        String t = info.spec().index().type();
        if (IndexSpec.FLAT.equals(t)) {
            System.out.println("Collection '" + label(name)
                    + "' has no index to rebuild (flat: exact scan); vector:index adds one");
        } else if (info.index() != null && info.index().status() == IndexStatus.DEGRADED) {
            throw failure("cannot rebuild the " + t + " index of '" + label(name) + "': "
                    + info.index().message() + "; install the " + t + " index plugin (it is then rebuilt)");
        } else {
            System.out.println("Rebuilding " + t + " index for '" + label(name) + "' in the background; "
                    + commandLine("vector:info", name) + " shows progress");
        }
        return null;
    }
}
