package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionNotFoundException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "vector", name = "drop", description = "Drop a collection and all its records")
public class DropCommand extends VectorCommandSupport {

    @Argument(index = 0, name = "collection", required = true, description = "Collection name")
    @Completion(CollectionCompleter.class)
    String name;

    @Override
    protected String auditAction() {
        return "collection.drop";
    }

    @Override
    protected String auditTarget() {
        return name;
    }

    @Override
    protected Object run() {
        if (!vectors.dropCollection(name)) {
            throw new CollectionNotFoundException(name);
        }
        System.out.println("Dropped collection " + label(name));
        return null;
    }
}
