package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.TargetHealth;

/**
 * A fresh gateway for every test, on a fake clock, with scripted providers {@code a} and {@code b}, both serving model
 * {@code m}. Subclasses add their routes and settings.
 */
abstract class TwoProvidersTestSupport {
    /** One second in nanoseconds, the unit of {@link Settings}. */
    static final long S = 1_000_000_000L;

    final FakeTicker ticker = new FakeTicker();
    final GatewayComponent gw = Support.gateway(ticker);
    final ScriptedChatModel a = Support.provider(gw, "a", "m");
    final ScriptedChatModel b = Support.provider(gw, "b", "m");

    /** The health of {@code target} ({@code provider/model}). */
    TargetHealth health(String target) {
        return Support.health(gw, target);
    }
}
