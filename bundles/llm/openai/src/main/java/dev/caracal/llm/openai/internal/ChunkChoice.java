package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * What one element of a chunk's {@code choices} said, as a {@link ChunkReader} read it: its index, its delta's text,
 * refusal, reasoning and tool calls, its finish reason. Reused from chunk to chunk.
 */
final class ChunkChoice {

    /** One element of a delta's {@code tool_calls}. */
    static final class ToolCall {
        /** Whether the call has an {@code index} member; its value is {@code index}, or {@code indexNode} if not an int. */
        boolean hasIndex;

        int index;
        JsonNode indexNode;
        String id;
        String name;
        /** The arguments' fragment: {@code ""} when there is none. */
        String arguments;

        void clear() {
            hasIndex = false;
            index = 0;
            indexNode = null;
            id = null;
            name = null;
            arguments = "";
        }

        /** The call's index, as {@code asInt(dflt)} reads it; {@code dflt} when it has none. */
        int index(int dflt) {
            if (!hasIndex) {
                return dflt;
            }
            return indexNode == null ? index : indexNode.asInt(dflt);
        }
    }

    int index;
    /** The {@code index} member when it is not an int (read as {@code asInt(0)} reads it). */
    JsonNode indexNode;

    String finishReason;
    /** Whether {@code delta} is an object; the members below are its own. */
    boolean hasDelta;

    String content;
    String refusal;
    /** {@code reasoning_content} and {@code reasoning} when they are strings that are not empty. */
    String reasoningContent;

    String reasoning;
    ToolCall[] calls = new ToolCall[0];
    int callCount;

    void clear() {
        index = 0;
        indexNode = null;
        finishReason = null;
        clearDelta();
    }

    void clearDelta() {
        hasDelta = false;
        content = null;
        refusal = null;
        reasoningContent = null;
        reasoning = null;
        callCount = 0;
    }

    /** The choice's index, as {@code path("index").asInt(0)} reads it. */
    int index() {
        return indexNode == null ? index : indexNode.asInt(0);
    }

    /** The reasoning text: {@code reasoning_content}, else {@code reasoning} (OpenRouter); {@code null} if neither. */
    String reasoningText() {
        return reasoningContent != null ? reasoningContent : reasoning;
    }

    ToolCall addCall() {
        if (callCount == calls.length) {
            calls = Arrays.copyOf(calls, Math.max(2, callCount * 2));
            for (int i = callCount; i < calls.length; i++) {
                calls[i] = new ToolCall();
            }
        }
        ToolCall call = calls[callCount++];
        call.clear();
        return call;
    }
}
