package dev.aperture.bedrock.codec;

import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Role;
import dev.aperture.chat.ToolChoice;
import java.util.List;
import java.util.Map;

/**
 * A chat request after {@link RequestHygiene}: what both encoders write from. Every rule Bedrock
 * enforces on the conversation has been applied or refused, so the encoders only translate.
 *
 * @param source the original request, for its scalar settings (temperature, stop sequences, …)
 * @param system the hoisted system prompt: text, cache points (never leading, never two in a row)
 *     and unknown blocks
 * @param turns alternating turns starting with a user turn; each has at least one part that is not
 *     a cache point, cache points never lead or repeat, tool results lead their user turn,
 *     tool-call arguments and unknown blocks hold compact, valid JSON
 * @param tools the request's tools with checked names and object schemas, or, when the request has
 *     none but the history holds tool blocks, minimal tools synthesised from the history
 * @param toolChoice the request's tool choice, checked against {@code tools}; null for none
 * @param historyHasToolBlocks whether any turn holds a tool call or a tool result
 * @param reasoningBudgetTokens the thinking budget (explicit, or derived from the reasoning
 *     effort); 0 when reasoning is not requested
 * @param extraFields the request's extra fields as compact, valid JSON text, in request order
 */
record PreparedRequest(
    ChatRequest source,
    List<ContentPart> system,
    List<Turn> turns,
    List<PreparedTool> tools,
    ToolChoice toolChoice,
    boolean historyHasToolBlocks,
    int reasoningBudgetTokens,
    Map<String, String> extraFields) {

  /** One turn; {@code role} is {@link Role#USER} or {@link Role#ASSISTANT}. */
  record Turn(Role role, List<ContentPart> parts) {
    boolean isUser() {
      return role == Role.USER;
    }
  }

  /**
   * A tool ready for the wire: {@code description} may be empty (then it is not sent), {@code
   * schemaJson} is a compact JSON object with {@code "type":"object"}.
   */
  record PreparedTool(String name, String description, String schemaJson) {}
}
