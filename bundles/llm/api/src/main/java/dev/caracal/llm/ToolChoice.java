package dev.caracal.llm;

/** How the model may use tools: as it likes, not at all, at least one, or one named tool. */
public record ToolChoice(Mode mode, String toolName) {
    public enum Mode {
        AUTO,
        NONE,
        REQUIRED,
        TOOL
    }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        if ((mode == Mode.TOOL) != (toolName != null)) {
            throw new IllegalArgumentException("a tool name is given exactly when the mode is TOOL");
        }
    }

    public static ToolChoice tool(String name) {
        return new ToolChoice(Mode.TOOL, name);
    }
}
