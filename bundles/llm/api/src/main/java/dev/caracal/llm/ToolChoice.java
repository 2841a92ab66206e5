package dev.caracal.llm;

/**
 * How the model may use tools: as it likes, not at all, at least one, or one named tool; and whether it may call
 * several in one turn ({@code parallel}: OpenAI's {@code parallel_tool_calls}, the reverse of Anthropic's
 * {@code disable_parallel_tool_use}; {@code null} leaves the provider's default).
 */
public record ToolChoice(Mode mode, String toolName, Boolean parallel) {
    public enum Mode {
        AUTO,
        NONE,
        REQUIRED,
        TOOL
    }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    /** A choice that leaves parallel calls to the provider (the form before {@code parallel} existed). */
    public ToolChoice(Mode mode, String toolName) {
        this(mode, toolName, null);
    }

    public ToolChoice {
        if ((mode == Mode.TOOL) != (toolName != null)) {
            throw new IllegalArgumentException("a tool name is given exactly when the mode is TOOL");
        }
    }

    public static ToolChoice tool(String name) {
        return new ToolChoice(Mode.TOOL, name);
    }

    /** The same choice, saying whether several tools may be called in one turn ({@code null}: the default). */
    public ToolChoice withParallel(Boolean newParallel) {
        return new ToolChoice(mode, toolName, newParallel);
    }
}
