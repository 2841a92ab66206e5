package dev.caracal.gateway.testkit;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * An ingress's servlets on a {@link JettyHarness}, wired to a {@link ScriptedGateway} of their own, as the ingress's
 * tests start it: the subclass binds its servlets to {@link #gateway()} as SCR would, then calls {@link #serve} and
 * {@link #asyncTimeout}.
 * Closing it stops the server and the gateway's upstream thread.
 */
public abstract class IngressUnderTest implements AutoCloseable {
    private final ScriptedGateway gateway = new ScriptedGateway();
    private JettyHarness jetty;
    private LongConsumer asyncTimeout;
    private long ownAsyncTimeout;

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

    /**
     * Says how to set the async timeout of the ingress's non-streamed calls, and the ingress's own value of it; a
     * subclass calls it once.
     */
    protected final void asyncTimeout(LongConsumer setter, long ownMillis) {
        this.asyncTimeout = setter;
        this.ownAsyncTimeout = ownMillis;
    }

    /** Lets a non-streamed call wait at most {@code millis} for its answer. */
    public final void shortenAsyncTimeout(long millis) {
        timeoutSetter().accept(millis);
    }

    /** Gives non-streamed calls the ingress's own async timeout again. */
    public final void restoreAsyncTimeout() {
        timeoutSetter().accept(ownAsyncTimeout);
    }

    private LongConsumer timeoutSetter() {
        if (asyncTimeout == null) {
            throw new IllegalStateException("the ingress did not say how to set its async timeout: asyncTimeout()");
        }
        return asyncTimeout;
    }

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
