package dev.caracal.vector.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.security.Grants;
import dev.caracal.security.Principal;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.VectorStore;
import java.util.List;
import javax.servlet.http.HttpServletRequest;

/**
 * What one request may reach: the store as its principal's tenant sees it ({@link VectorStore#forTenant}), narrowed
 * to the collections the principal's grants allow. Another tenant's collection is simply not in that view, so it is a
 * 404; a collection of the tenant that the grants do not allow is the very same 404 (and absent from listings), so
 * that no answer tells a caller whether a collection it may not reach exists. Creating a collection whose name the
 * grants do not allow is a 403 {@code forbidden} naming it: the caller chose that name, so the answer reveals nothing.
 */
final class CallerScope {
    private final VectorStore store;
    private final Grants grants;

    private CallerScope(VectorStore store, Grants grants) {
        this.store = store;
        this.grants = grants;
    }

    /** The scope of {@code request}'s principal (the operator in tenant {@code default} when no guard ran). */
    static CallerScope of(HttpServletRequest request, VectorStore store) {
        Principal principal = Principal.of(request);
        return new CallerScope(store.forTenant(principal.tenant()), principal.grants());
    }

    /** The store as the principal's tenant sees it. */
    VectorStore store() {
        return store;
    }

    String tenant() {
        return store.tenant();
    }

    /**
     * {@code name}, when the grants allow the collection; otherwise a {@link CollectionNotFoundException}, answered
     * exactly as for a collection that does not exist.
     */
    String collection(String name) {
        if (!grants.allowsCollection(name)) {
            throw new CollectionNotFoundException(name);
        }
        return name;
    }

    /** The tenant's collections that the grants allow, in name order. */
    List<CollectionInfo> listCollections() {
        return store.listCollections().stream()
                .filter(c -> grants.allowsCollection(c.spec().name()))
                .toList();
    }

    /**
     * A collection to create that names a tenant in its body is refused (400 naming {@code tenant}): the tenant is the
     * request's, never the body's, and a silently ignored member would let a client believe otherwise.
     */
    static void refuseTenantInBody(JsonNode body) {
        if (body != null && body.has("tenant")) {
            throw ProblemException.badField(
                    "tenant",
                    "a collection belongs to the tenant of the request's key; an admin acts in another tenant by"
                            + " naming it in the x-caracal-tenant header or ?tenant=, not in the body");
        }
    }

    /** Refuses, with a 403, to create a collection whose name the grants do not allow. */
    void checkCreate(String name) {
        if (name != null && !grants.allowsCollection(name)) {
            throw new ProblemException(Problem.of(
                            403,
                            "forbidden",
                            "Forbidden",
                            "this key may not create collection '" + name + "': its grants name the collections it"
                                    + " may use, and this is not one of them")
                    .with("collection", name));
        }
    }
}
