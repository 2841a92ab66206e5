package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Target;
import java.util.List;
import java.util.Map;

/**
 * What the targets of one kind of call reach, as a route table sees it: the service serving a target
 * ({@code provider/model}) and the model names offered without a configured route (each one's implicit route). One
 * implementation per kind of call: chat providers ({@link ChatUpstreams}), embedding models
 * ({@link EmbeddingUpstreams}). Immutable snapshots, rebuilt when a service comes or goes.
 *
 * @param <S> the service a target reaches
 */
interface Upstreams<S> {

    /** The service that serves model {@code model} of provider {@code providerId}, or {@code null} when none is present. */
    S find(String providerId, String model);

    /** Why a target without a service is skipped, as the failure of an exhausted call says it. */
    String absence();

    /**
     * The implicit routes' targets: every model name offered, sorted, with the targets offering it in the order they
     * are tried (the provider preference).
     */
    Map<String, List<Target>> implicitTargets();
}
