package dev.caracal.security;

import java.security.AccessController;
import java.util.Objects;
import javax.security.auth.Subject;
import javax.servlet.ServletRequest;

/**
 * Who makes a request: the tenant it acts in, its role, the key that authenticated it and what that key's grants
 * allow. The security guard establishes it once per request and leaves it in the request attribute
 * {@value #ATTRIBUTE}; surfaces read it with {@link #of} and engines take the tenant from it, never from a request
 * body (an admin acts on another tenant by naming it to the guard, which then sets that tenant here).
 *
 * @param tenant the tenant the request acts in
 * @param role   what it may do there
 * @param keyId  the id of the key that authenticated it ({@code null} for the operator's console)
 * @param actor  who it is, for the audit log: the key's name, or the console user
 * @param grants what narrows the key beyond its role
 */
public record Principal(String tenant, Role role, String keyId, String actor, Grants grants) {
    /** The request attribute (and gateway call attribute) that holds the request's principal. */
    public static final String ATTRIBUTE = "dev.caracal.security.principal";

    /** The operator at the console: admin of the default tenant, every tenant reachable. */
    public static final Principal OPERATOR = new Principal(Tenant.DEFAULT, Role.ADMIN, null, "console", Grants.ALL);

    public Principal {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(actor, "actor");
        grants = Objects.requireNonNullElse(grants, Grants.ALL);
    }

    /**
     * The principal of {@code request}. Every request to a Caracal surface has one (the guard refuses the others);
     * a request that never passed a guard (a surface served outside Caracal's context, in a test) is the
     * {@link #OPERATOR}.
     */
    public static Principal of(ServletRequest request) {
        Object p = request.getAttribute(ATTRIBUTE);
        return p instanceof Principal principal ? principal : OPERATOR;
    }

    /**
     * The operator at the console running the calling command, named for the audit log as {@code console (<user>)}
     * after the user the console's login put in the thread's JAAS subject ({@code console (unknown user)} outside a
     * console session). An admin in the default tenant who reaches every tenant by naming it.
     */
    public static Principal consoleOperator() {
        String user = "unknown user";
        @SuppressWarnings("removal")
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (java.security.Principal p : subject.getPrincipals()) {
                // Karaf's JAAS UserPrincipal, matched by name so the API does not depend on Karaf
                if (p.getClass().getSimpleName().equals("UserPrincipal")) {
                    user = p.getName();
                    break;
                }
            }
        }
        return new Principal(Tenant.DEFAULT, Role.ADMIN, null, "console (" + user + ")", Grants.ALL);
    }

    /** Whether this principal may perform {@code access} (its role). */
    public boolean may(Access access) {
        return role.allows(access);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** The same principal acting in {@code otherTenant} (an admin naming a tenant). */
    public Principal inTenant(String otherTenant) {
        return new Principal(otherTenant, role, keyId, actor, grants);
    }
}
