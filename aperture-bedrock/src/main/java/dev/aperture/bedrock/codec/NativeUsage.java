package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.chat.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Usage and tool names read from native Bedrock answers that are forwarded unchanged (native
 * passthrough): InvokeModel's token-count headers, InvokeModel and Converse JSON bodies. Pure
 * functions; a body that cannot be read yields {@link Usage#ZERO} and no tool names, never an
 * exception, because the answer itself still goes to the caller.
 */
public final class NativeUsage {
  private NativeUsage() {}

  /** What one answer used and which tools it called, in order. */
  public record Observed(Usage usage, List<String> toolNames) {
    public Observed {
      toolNames = List.copyOf(toolNames);
    }
  }

  private static final Observed NOTHING = new Observed(Usage.ZERO, List.of());

  /**
   * Usage from InvokeModel's {@code X-Amzn-Bedrock-Input-Token-Count}, {@code -Output-Token-Count},
   * {@code -Cache-Read-Input-Token-Count} and {@code -Cache-Write-Input-Token-Count} response
   * headers, looked up with {@code header} (null when absent); null when neither the input nor the
   * output count is present. The input count excludes cache tokens; cache writes are filed as
   * 5-minute writes, the headers do not say which lifetime.
   */
  public static Usage invokeHeaders(UnaryOperator<String> header) {
    String input = header.apply("X-Amzn-Bedrock-Input-Token-Count");
    String output = header.apply("X-Amzn-Bedrock-Output-Token-Count");
    if (input == null && output == null) {
      return null;
    }
    return Usage.builder()
        .inputTokens(count(input))
        .outputTokens(count(output))
        .cacheReadTokens(count(header.apply("X-Amzn-Bedrock-Cache-Read-Input-Token-Count")))
        .cacheWrite5mTokens(count(header.apply("X-Amzn-Bedrock-Cache-Write-Input-Token-Count")))
        .build();
  }

  /**
   * An InvokeModel JSON answer: Anthropic's {@code usage} and {@code tool_use} content blocks;
   * bodies of families that count in camelCase ({@code usage.inputTokens}, Amazon Nova) are read as
   * Converse counts.
   */
  public static Observed invokeResponse(byte[] body) {
    JsonNode root = tree(body);
    if (root == null) {
      return NOTHING;
    }
    JsonNode usage = root.get("usage");
    Usage counted =
        usage != null && usage.has("inputTokens")
            ? ConverseCodec.usage(usage)
            : AnthropicInvokeCodec.usage(usage);
    List<String> tools = new ArrayList<>();
    for (JsonNode block : root.path("content")) {
      String type = WireJson.text(block, "type");
      if ("tool_use".equals(type) || "server_tool_use".equals(type)) {
        tools.add(WireJson.textOrEmpty(block, "name"));
      }
    }
    return new Observed(counted, tools);
  }

  /** A Converse JSON answer: {@code usage} and the {@code toolUse} blocks of the output message. */
  public static Observed converseResponse(byte[] body) {
    JsonNode root = tree(body);
    if (root == null) {
      return NOTHING;
    }
    List<String> tools = new ArrayList<>();
    for (JsonNode block : root.path("output").path("message").path("content")) {
      JsonNode toolUse = block.get("toolUse");
      if (toolUse != null && toolUse.isObject()) {
        tools.add(WireJson.textOrEmpty(toolUse, "name"));
      }
    }
    return new Observed(ConverseCodec.usage(root.get("usage")), tools);
  }

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode root = body.length == 0 ? null : WireJson.MAPPER.readTree(body);
      return root != null && root.isObject() ? root : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static long count(String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
