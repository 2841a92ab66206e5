package dev.caracal.vector.shell.command;

import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.Principal;
import dev.caracal.vector.CollectionExistsException;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the store and the tenant the command acts in ({@code --tenant}, default {@code default}: the console is the
 * operator's, who reaches every tenant by naming it), and turns failures into one console line that says what to do
 * next. A command works on {@link #vectors}, the store as that tenant sees it. A failed command throws
 * Karaf's {@link CommandException}, which the console prints as is ({@code Error: ...}) and which makes the command
 * fail: {@code bin/client -b} exits with status 1, a script stops at it.
 *
 * <p>A command reports a failure by throwing: a {@link CommandException} (built with {@link #failure}), a
 * {@link VectorException} of the store, an {@link IllegalArgumentException} for bad input, or an {@link IOException}
 * for a file it cannot read. Each becomes {@code Error: <message>}; anything else is a bug, which Karaf reports with
 * its stack trace in the log.
 *
 * <p>A destructive command (it names its {@link #auditAction}) is recorded in the security service's audit log with
 * the console user as actor, the tenant, the collection and its outcome, as the REST API's are.
 */
public abstract class VectorCommandSupport implements Action {
    private static final Logger LOG = LoggerFactory.getLogger(VectorCommandSupport.class);

    @Reference(optional = true)
    protected VectorStore store;

    @Reference(optional = true)
    protected AuditLog audit;

    @Option(
            name = "-t",
            aliases = "--tenant",
            description = "The tenant whose collections the command acts on (default: default)")
    @Completion(TenantCompleter.class)
    protected String tenant;

    /** The store as the command's tenant sees it, set before {@link #run}. */
    protected VectorStore vectors;

    @Override
    public final Object execute() throws Exception {
        if (store == null) {
            throw failure("the vector store is not running (feature caracal-vector); see caracal:status");
        }
        String action = auditAction();
        if (action == null) {
            return checked();
        }
        Principal operator = Principal.consoleOperator().inTenant(tenant());
        try {
            Object out = checked();
            audit(AuditEvent.of(operator, action, "collection " + auditTarget(), "ok", "console " + commandName()));
            return out;
        } catch (CommandException e) {
            audit(AuditEvent.of(
                    operator,
                    action,
                    "collection " + auditTarget(),
                    "failed",
                    "console " + commandName() + ": " + e.getMessage()));
            throw e;
        }
    }

    private Object checked() throws Exception {
        try {
            vectors = store.forTenant(tenant());
            return run();
        } catch (InvalidRequestException e) {
            throw failure((e.field() == null ? "" : e.field() + ": ") + e.getMessage(), e);
        } catch (CollectionNotFoundException e) {
            throw failure(e.getMessage() + "; vector:list shows the collections", e);
        } catch (CollectionExistsException e) {
            throw failure(e.getMessage() + "; choose another name or vector:drop it first", e);
        } catch (StorageFailureException e) {
            // a disk problem, not the command's: say so, and where to watch it clear (the store retries by itself)
            throw failure(e.getMessage() + "; caracal:status shows when the store takes writes again", e);
        } catch (VectorException | IllegalArgumentException | IOException | UncheckedIOException e) {
            throw failure(e.getMessage(), e);
        }
    }

    protected abstract Object run() throws Exception;

    /**
     * The audit log action of this command ({@code collection.drop}, {@code index.change}...), or {@code null} when
     * it changes nothing that is audited.
     */
    protected String auditAction() {
        return null;
    }

    /** The collection an audited command acts on. */
    protected String auditTarget() {
        return null;
    }

    private String commandName() {
        org.apache.karaf.shell.api.action.Command c =
                getClass().getAnnotation(org.apache.karaf.shell.api.action.Command.class);
        return c == null ? getClass().getSimpleName() : c.scope() + ":" + c.name();
    }

    private void audit(AuditEvent event) {
        if (audit == null) {
            // the security feature is not installed: nothing to record into (and nobody but the operator to act)
            return;
        }
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            LOG.error("Recording {} of {} in the audit log failed", event.action(), event.target(), e);
        }
    }

    /** The tenant the command acts in: {@code --tenant}, or the default tenant. */
    protected String tenant() {
        return tenant == null ? VectorStore.DEFAULT_TENANT : tenant;
    }

    /** A command line to suggest for {@code collection}: {@code vector:info docs}, {@code vector:info -t acme docs}. */
    protected String commandLine(String command, String collection) {
        return command
                + (VectorStore.DEFAULT_TENANT.equals(tenant()) ? " " : " --tenant " + tenant() + " ")
                + collection;
    }

    /** How output names a collection: its name in the default tenant, {@code tenant/name} in another. */
    protected String label(String collection) {
        return VectorStore.DEFAULT_TENANT.equals(tenant()) ? collection : tenant() + "/" + collection;
    }

    /** A failure the console shows as {@code Error: <message>}. */
    protected static CommandException failure(String message) {
        return failure(message, null);
    }

    static CommandException failure(String message, Throwable cause) {
        return new CommandException("Error: " + message, message, cause);
    }
}
