package dev.caracal.llm;

/** Who authored a message. The system prompt is carried separately in {@link ChatRequest#system()}. */
public enum Role {
    USER,
    ASSISTANT,
    TOOL
}
