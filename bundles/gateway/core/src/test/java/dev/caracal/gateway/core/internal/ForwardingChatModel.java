package dev.caracal.gateway.core.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A chat model that forwards every call to {@code inner} except {@code completeAsync}, which it leaves to the API's
 * default (the blocking {@code complete} on the caller's thread) unless a subclass overrides it: the gateway tells
 * providers that answer asynchronously from those that only block by that override.
 */
class ForwardingChatModel implements ChatModel {
    final ChatModel inner;

    ForwardingChatModel(ChatModel inner) {
        this.inner = inner;
    }

    @Override
    public String providerId() {
        return inner.providerId();
    }

    @Override
    public List<ModelInfo> models() {
        return inner.models();
    }

    @Override
    public ChatResponse complete(ChatRequest request) {
        return inner.complete(request);
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        return inner.stream(request, handler);
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> requests, int maxConcurrency) {
        return inner.batch(requests, maxConcurrency);
    }
}
