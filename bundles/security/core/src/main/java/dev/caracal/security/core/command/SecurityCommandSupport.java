package dev.caracal.security.core.command;

import dev.caracal.security.Principal;
import dev.caracal.security.SecurityAdmin;
import dev.caracal.security.SecurityAdminException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;

/**
 * Holds the security service and turns refusals into one console line ({@code Error: ...}, and a non-zero exit of
 * {@code bin/client -b}). The console is the operator's: its commands act as an admin, recorded in the audit log as
 * {@code console (<user>)}.
 */
public abstract class SecurityCommandSupport implements Action {
    @Reference(optional = true)
    protected SecurityAdmin admin;

    @Override
    public final Object execute() throws Exception {
        if (admin == null) {
            throw failure("the security service is not running (feature caracal-security); see caracal:status");
        }
        try {
            return run();
        } catch (SecurityAdminException e) {
            throw failure((e.field() == null ? "" : e.field() + ": ") + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw failure(e.getMessage());
        }
    }

    protected abstract Object run() throws Exception;

    static CommandException failure(String message) {
        return new CommandException("Error: " + message, message, null);
    }

    /** The operator at this console, for the audit log. */
    static Principal operator() {
        return Principal.consoleOperator();
    }
}
