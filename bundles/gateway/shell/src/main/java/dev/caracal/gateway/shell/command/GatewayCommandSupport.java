package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.LlmException;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/** Holds the gateway and turns its failures into one-line console errors. */
public abstract class GatewayCommandSupport implements Action {

    @Reference(optional = true)
    protected Gateway gateway;

    @Override
    public final Object execute() throws Exception {
        if (gateway == null) {
            System.err.println("Error: the LLM gateway is not running (feature caracal-gateway); see caracal:status");
            return null;
        }
        try {
            return run();
        } catch (GatewayException e) {
            System.err.println("Error: " + e.kind().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
        } catch (LlmException e) {
            System.err.println("Error: " + e.kind().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
        }
        return null;
    }

    protected abstract Object run() throws Exception;

    static String orDash(Object o) {
        return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }
}
