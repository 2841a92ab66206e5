package dev.caracal.security.gateway.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.gateway.TokenCount;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.Usage;
import dev.caracal.security.Principal;
import dev.caracal.security.limits.LimitHeaders;
import dev.caracal.security.limits.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * The first step of every gateway call (chat and embeddings) made over HTTP (the security guard put its {@link Principal} in the call's
 * attributes; calls from the console have none and pass): a key narrowed to some models or routes may call only
 * those (403 naming the model otherwise), and a key and its tenant may spend only so many tokens a minute (429 with
 * {@code retry-after} once their bucket is empty). Tokens are charged after each call from the usage the provider
 * reported, streamed or not, so a call may overdraw the bucket; the next one waits until it refills.
 */
@Component(
        service = GatewayFilter.class,
        configurationPid = "dev.caracal.security",
        property = {GatewayFilter.NAME_PROPERTY + "=security", "service.ranking:Integer=1000000"})
public class SecurityGatewayFilter implements GatewayFilter {

    /** The part of {@code etc/dev.caracal.security.cfg} this filter reads (the security bundle describes it all). */
    @interface Config {
        int keyTokensPerMinute() default 0;

        int tenantTokensPerMinute() default 0;
    }

    private volatile RateLimiter perKey = new RateLimiter(0);
    private volatile RateLimiter perTenant = new RateLimiter(0);

    @Activate
    @Modified
    void configure(Config config) {
        perKey = new RateLimiter(config.keyTokensPerMinute());
        perTenant = new RateLimiter(config.tenantTokensPerMinute());
    }

    @Override
    public String name() {
        return "security";
    }

    @Override
    public ChatResponse complete(CallContext context, ChatRequest request, Chain chain) {
        Principal p = admit(context, request);
        ChatResponse r = chain.complete(context, request);
        charge(p, r.usage());
        return r;
    }

    @Override
    public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request, Chain chain) {
        Principal p;
        try {
            p = admit(context, request);
        } catch (LlmException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        if (p == null || !limited()) {
            return chain.completeAsync(context, request); // nothing to charge: no stage of our own
        }
        return chain.completeAsync(context, request).thenApply(r -> {
            charge(p, r.usage());
            return r;
        });
    }

    @Override
    public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, Chain chain) {
        Principal p = admit(context, request);
        if (p == null || !limited()) {
            return chain.stream(context, request, handler);
        }
        StreamHandler counting = new StreamHandler() {
            private Usage last = Usage.ZERO;

            @Override
            public void onEvent(StreamEvent event) {
                if (event instanceof StreamEvent.UsageUpdate u) {
                    last = u.usage(); // cumulative totals
                } else if (event instanceof StreamEvent.End || event instanceof StreamEvent.Error) {
                    charge(p, last);
                }
                handler.onEvent(event);
            }
        };
        return chain.stream(context, request, counting);
    }

    /**
     * An embedding call: the same grants and token budgets as a chat call; the input tokens the provider reported are
     * charged.
     */
    @Override
    public Embeddings embed(CallContext context, String model, List<String> inputs, Chain chain) {
        Principal p = admit(context, model);
        Embeddings e = chain.embed(context, model, inputs);
        if (p != null && limited() && e != null) {
            charge(p, new Usage(e.inputTokens(), 0, 0, 0));
        }
        return e;
    }

    /** A token count: the key's model grants hold (it spends nothing, so no budget is checked or charged). */
    @Override
    public TokenCount countTokens(CallContext context, ChatRequest request, Chain chain) {
        if (context.attributes().get(Principal.ATTRIBUTE) instanceof Principal p
                && !p.grants().allowsModel(request.model())) {
            throw new LlmException(
                    ErrorKind.PERMISSION, "this API key may not call the model '" + request.model() + "'");
        }
        return chain.countTokens(context, request);
    }

    /** The call's principal once its grants and token budgets allow it, or {@code null} (a console call). */
    Principal admit(CallContext context, ChatRequest request) {
        return admit(context, request.model());
    }

    private Principal admit(CallContext context, String model) {
        if (!(context.attributes().get(Principal.ATTRIBUTE) instanceof Principal p)) {
            return null;
        }
        if (!p.grants().allowsModel(model)) {
            throw new LlmException(
                    ErrorKind.PERMISSION,
                    "this API key may not call the model '" + model + "'; it may call "
                            + String.join(
                                    ", ", new java.util.TreeSet<>(p.grants().models())));
        }
        String route = context.header(CallContext.ROUTE_HEADER);
        if (route != null && !p.grants().allowsModel(route)) {
            throw new LlmException(
                    ErrorKind.PERMISSION,
                    "this API key may not use the route or target '" + route + "' (" + CallContext.ROUTE_HEADER + ")");
        }
        if (limited()) {
            checkTokens(context, p);
        }
        return p;
    }

    private boolean limited() {
        return perKey.isOn() || perTenant.isOn();
    }

    /**
     * Refuses the call when the key's or the tenant's token bucket is empty; either way tells the client, in the
     * rate-limit headers of its SDK family, the tighter of the two budgets (or the one that refused).
     */
    private void checkTokens(CallContext context, Principal p) {
        long now = System.nanoTime();
        RateLimiter.Decision tenant = perTenant.isOn() ? perTenant.peek(p.tenant(), 1, now) : null;
        RateLimiter.Decision key = perKey.isOn() && p.keyId() != null ? perKey.peek(p.keyId(), 1, now) : null;
        RateLimiter.Decision shown;
        String whose;
        if (key != null
                && (!key.allowed() || tenant == null || (tenant.allowed() && key.remaining() <= tenant.remaining()))) {
            shown = key;
            whose = "this API key's";
        } else {
            shown = tenant;
            whose = "the tenant's";
        }
        if (shown == null) {
            return; // only a per-key limit, and a call without a key
        }
        LimitHeaders.of("anthropic".equals(context.ingress()), shown, "tokens").forEach(context::setResponseHeader);
        if (!shown.allowed()) {
            long seconds = LimitHeaders.retryAfterSeconds(shown);
            throw new LlmException(
                    ErrorKind.RATE_LIMITED,
                    whose + " token rate limit (" + shown.limit() + " tokens a minute) is used up; retry after "
                            + seconds + " s",
                    0,
                    Duration.ofSeconds(seconds),
                    null);
        }
    }

    void charge(Principal p, Usage usage) {
        if (p == null || usage == null) {
            return;
        }
        long tokens = usage.inputTokens() + usage.outputTokens();
        long now = System.nanoTime();
        perTenant.charge(p.tenant(), tokens, now);
        if (p.keyId() != null) {
            perKey.charge(p.keyId(), tokens, now);
        }
    }
}
