package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.EmbeddingUnavailableException;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorStore;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/** Holds the store and turns its failures into one-line console errors that say what to do next. */
public abstract class VectorCommandSupport implements Action {

    @Reference(optional = true)
    protected VectorStore store;

    @Override
    public final Object execute() throws Exception {
        if (store == null) {
            System.err.println("Error: the vector store is not running (feature caracal-vector); see caracal:status");
            return null;
        }
        try {
            return run();
        } catch (InvalidRequestException e) {
            System.err.println("Error: " + (e.field() == null ? "" : e.field() + ": ") + e.getMessage());
        } catch (CollectionNotFoundException e) {
            System.err.println("Error: " + e.getMessage() + "; vector:list shows the collections");
        } catch (CollectionExistsException e) {
            System.err.println("Error: " + e.getMessage() + "; choose another name or vector:drop it first");
        } catch (EmbeddingUnavailableException e) {
            System.err.println("Error: " + e.getMessage());
        } catch (VectorException e) {
            System.err.println("Error: " + e.getMessage());
        }
        return null;
    }

    protected abstract Object run() throws Exception;
}
