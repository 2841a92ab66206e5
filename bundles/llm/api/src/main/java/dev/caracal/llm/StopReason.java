package dev.caracal.llm;

/** Why the model stopped producing output. */
public enum StopReason {
    END_TURN,
    MAX_TOKENS,
    STOP_SEQUENCE,
    TOOL_USE,
    CONTENT_FILTER,
    ERROR
}
