package dev.caracal.gateway.testkit;

import java.util.function.Consumer;

/**
 * An ingress's servlets on a {@link JettyHarness}, wired to a {@link ScriptedGateway} of their own, as the ingress's
 * tests start it: the subclass binds its servlets to {@link #gateway()} as SCR would, then calls {@link #serve}.
 * Closing it stops the server and the gateway's upstream thread.
 */
public abstract class IngressUnderTest implements AutoCloseable {
    private final ScriptedGateway gateway = new ScriptedGateway();
    private JettyHarness jetty;

    /** Starts the server as {@link JettyHarness#start(int, Consumer, Consumer)}; a subclass calls it once. */
    protected final void serve(
            int maxThreads, Consumer<JettyHarness.Routes> routes, Consumer<JettyHarness.Routes> blockingRoutes)
            throws Exception {
        if (jetty != null) {
            throw new IllegalStateException("the ingress is served already, on port " + jetty.port());
        }
        jetty = JettyHarness.start(maxThreads, routes, blockingRoutes);
    }

    public final ScriptedGateway gateway() {
        return gateway;
    }

    public final JettyHarness jetty() {
        if (jetty == null) {
            throw new IllegalStateException("the ingress is not served yet: its constructor must call serve()");
        }
        return jetty;
    }

    /** Lets a non-streamed call wait at most {@code millis} for its answer (the ingress's default is no limit). */
    public abstract void shortenAsyncTimeout(long millis);

    /** Gives non-streamed calls the ingress's own async timeout again. */
    public abstract void restoreAsyncTimeout();

    @Override
    public void close() throws Exception {
        try {
            if (jetty != null) {
                jetty.close();
            }
        } finally {
            gateway.close();
        }
    }
}
