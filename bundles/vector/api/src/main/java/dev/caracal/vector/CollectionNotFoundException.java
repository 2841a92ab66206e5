package dev.caracal.vector;

/** No collection has this name. */
public class CollectionNotFoundException extends VectorException {
    private static final long serialVersionUID = 1L;
    private final String collection;

    public CollectionNotFoundException(String collection) {
        super("collection '" + collection + "' does not exist");
        this.collection = collection;
    }

    public String collection() {
        return collection;
    }
}
