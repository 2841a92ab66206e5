package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.Gateway;
import dev.caracal.llm.LlmException;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;

/**
 * Holds the gateway and turns its failures into one console line. A failed command throws Karaf's
 * {@link CommandException}, which the console prints as is ({@code Error: ...}) and which makes the command fail:
 * {@code bin/client -b} exits with status 1, a script stops at it. A command reports a failure by throwing a
 * {@link CommandException} (built with {@link #failure}), an {@link LlmException} such as the gateway's
 * {@code GatewayException} ({@code Error: <kind>: <message>}), or an {@link IllegalArgumentException} for bad input.
 */
public abstract class GatewayCommandSupport implements Action {

    @Reference(optional = true)
    protected Gateway gateway;

    @Override
    public final Object execute() throws Exception {
        if (gateway == null) {
            throw failure("the LLM gateway is not running (feature caracal-gateway); see caracal:status");
        }
        try {
            return run();
        } catch (LlmException e) { // a GatewayException too
            throw failure(e.kind().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw failure(e.getMessage(), e);
        }
    }

    protected abstract Object run() throws Exception;

    /** A failure the console shows as {@code Error: <message>}. */
    protected static CommandException failure(String message) {
        return failure(message, null);
    }

    static CommandException failure(String message, Throwable cause) {
        return new CommandException("Error: " + message, message, cause);
    }

    static String orDash(Object o) {
        return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }
}
