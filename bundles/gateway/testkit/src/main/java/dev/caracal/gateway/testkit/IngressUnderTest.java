package dev.caracal.gateway.testkit;

/**
 * An ingress's servlets on a {@link JettyHarness}, wired to a {@link ScriptedGateway} of their own, as the ingress's
 * tests start it. Closing it stops the server and the gateway's upstream thread.
 */
public interface IngressUnderTest extends AutoCloseable {
    JettyHarness jetty();

    ScriptedGateway gateway();

    /** Lets a non-streamed call wait at most {@code millis} for its answer (the ingress's default is no limit). */
    void shortenAsyncTimeout(long millis);

    /** Gives non-streamed calls the ingress's own async timeout again. */
    void restoreAsyncTimeout();
}
