package dev.aperture.chat;

import java.util.Objects;

/** Whether and which tool the model must call. */
public record ToolChoice(Kind kind, String toolName) {
  /** The model decides. */
  public static final ToolChoice AUTO = new ToolChoice(Kind.AUTO, null);

  /** The model must call some tool (OpenAI {@code required}, Bedrock {@code any}). */
  public static final ToolChoice ANY = new ToolChoice(Kind.ANY, null);

  /** The model must not call a tool. */
  public static final ToolChoice NONE = new ToolChoice(Kind.NONE, null);

  /** The kinds of choice; {@link #TOOL} comes with a tool name. */
  public enum Kind {
    AUTO,
    ANY,
    NONE,
    TOOL
  }

  public ToolChoice {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.TOOL) != (toolName != null)) {
      throw new IllegalArgumentException("a tool name is given exactly when kind is TOOL");
    }
  }

  /** The model must call the tool named {@code name}. */
  public static ToolChoice tool(String name) {
    return new ToolChoice(Kind.TOOL, Objects.requireNonNull(name, "name"));
  }
}
