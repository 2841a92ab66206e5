package dev.caracal.gateway.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A fresh gateway for every test with provider {@code a} serving models {@code ma} and {@code mb}, and a trace. */
abstract class FilterTestSupport {
    final GatewayComponent gw = Support.gateway(new FakeTicker());
    final ScriptedChatModel a = Support.provider(gw, "a", "ma", "mb");
    /** The names of the filters a call passed, in order; the filters of a test note themselves here. */
    final List<String> trace = Collections.synchronizedList(new ArrayList<>());
}
