package dev.caracal.vector;

/** A collection of this name exists already. */
public class CollectionExistsException extends VectorException {
    private static final long serialVersionUID = 1L;

    public CollectionExistsException(String collection) {
        super("collection '" + collection + "' already exists");
    }
}
