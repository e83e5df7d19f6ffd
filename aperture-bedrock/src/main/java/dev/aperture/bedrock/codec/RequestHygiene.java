package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.bedrock.codec.PreparedRequest.PreparedTool;
import dev.aperture.bedrock.codec.PreparedRequest.Turn;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where a canonical request is made acceptable to Bedrock, shared by the Converse and
 * the Anthropic InvokeModel encoders. Rules (each one a way other gateways failed):
 *
 * <ul>
 *   <li>System messages are hoisted, in order; they may hold text, cache points and unknown blocks
 *       only.
 *   <li>Empty or whitespace-only text is dropped, also inside tool results; a message left with
 *       nothing is dropped (a message with a tool call or result always keeps it).
 *   <li>Tool messages become user turns; consecutive turns of one role merge into one; in a user
 *       turn the tool results come first, then the rest in order.
 *   <li>The conversation must start with a user turn: a leading assistant turn is refused, not
 *       papered over with an invented user turn.
 *   <li>Tool-call arguments are a JSON object; empty or {@code null} arguments become {@code {}}.
 *   <li>Tool names match {@code [a-zA-Z0-9_-]{1,64}}; schemas are objects with root {@code type:
 *       object} (added when absent, refused when different).
 *   <li>When the history holds tool blocks and the request has no tools, minimal tools are
 *       synthesised from the names in the history (Bedrock demands a tool configuration then).
 *   <li>A cache point needs something before it: one that leads a turn moves to the end of the
 *       previous turn (or of the system prompt), which marks the same prefix; one with nothing
 *       before it is dropped; two in a row become one. At most 4 remain, or the request is refused.
 *   <li>Extra fields are valid JSON; {@code anthropic_beta} is an array of strings.
 * </ul>
 *
 * <p>Refusals are {@link BedrockRequestException}s naming the message and part ({@code
 * messages[i].content[j]}, indexes of the original request).
 */
final class RequestHygiene {
  /** Bedrock and Anthropic accept at most this many cache points in one request. */
  static final int MAX_CACHE_POINTS = 4;

  private static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

  /**
   * OpenAI chat-completions options with no Anthropic meaning. Bedrock refuses unknown keys in an
   * Anthropic body ("extraneous key [n] is not permitted"), so they are refused here, clearly.
   */
  private static final Set<String> OPENAI_ONLY_FIELDS =
      Set.of(
          "n",
          "logprobs",
          "top_logprobs",
          "logit_bias",
          "stream_options",
          "frequency_penalty",
          "presence_penalty",
          "seed",
          "response_format",
          "user",
          "max_completion_tokens",
          "parallel_tool_calls",
          "reasoning_effort",
          "modalities",
          "audio",
          "prediction",
          "store",
          "functions",
          "function_call",
          "web_search_options",
          "verbosity");

  private RequestHygiene() {}

  /** A content part with the place it had in the original request, for error messages. */
  private record Piece(ContentPart part, int message, int index) {
    String where() {
      return location(message, index);
    }

    boolean isCachePoint() {
      return part instanceof ContentPart.CachePoint;
    }

    boolean isToolResult() {
      return part instanceof ContentPart.ToolResult;
    }
  }

  private static final class DraftTurn {
    final Role role;
    final List<Piece> pieces = new ArrayList<>();

    DraftTurn(Role role) {
      this.role = role;
    }
  }

  /** Applies every rule; throws {@link BedrockRequestException} for what cannot be repaired. */
  static PreparedRequest prepare(ChatRequest request) {
    PreparedRequest plain = preparePlain(request);
    return plain != null ? plain : prepareAny(request);
  }

  /**
   * The common case at no cost: a conversation of non-blank text only (no cache points, tool
   * blocks, images or other parts), whose user and assistant messages alternate from a user
   * message, needs no rule applied; its messages' own part lists become the turns. Null for any
   * other request, which {@link #prepareAny} then takes — with the same result for a plain one.
   */
  static PreparedRequest preparePlain(ChatRequest request) {
    List<Message> messages = request.messages();
    int turnCount = 0;
    int systemCount = 0;
    Message system = null;
    Role expected = Role.USER;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      List<ContentPart> content = m.content();
      if (content.isEmpty()) {
        return null;
      }
      for (int j = 0; j < content.size(); j++) {
        if (!(content.get(j) instanceof ContentPart.Text t) || t.text().isBlank()) {
          return null;
        }
      }
      if (m.role() == Role.SYSTEM) {
        systemCount++;
        system = m;
      } else if (m.role() == expected) {
        turnCount++;
        expected = expected == Role.USER ? Role.ASSISTANT : Role.USER;
      } else {
        return null; // merged turns, a tool message, or a leading assistant message
      }
    }
    if (turnCount == 0 || systemCount > 1) {
      return null;
    }
    Turn[] turns = new Turn[turnCount];
    int k = 0;
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.role() != Role.SYSTEM) {
        turns[k++] = new Turn(m.role(), m.content());
      }
    }
    return finish(
        request, system == null ? List.of() : system.content(), List.of(turns), false, Set.of());
  }

  /** Every rule, for any request. */
  static PreparedRequest prepareAny(ChatRequest request) {
    List<Piece> system = new ArrayList<>();
    List<DraftTurn> turns = new ArrayList<>();
    // Cache points met before the first turn mark the end of the system prompt.
    List<Piece> beforeFirstTurn = new ArrayList<>();
    Set<String> historyToolNames = new LinkedHashSet<>();
    boolean toolBlocks = false;

    List<Message> messages = request.messages();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.role() == Role.SYSTEM) {
        addSystemParts(m, i, system);
        continue;
      }
      List<Piece> pieces = new ArrayList<>();
      boolean hasContent = false;
      for (int j = 0; j < m.content().size(); j++) {
        ContentPart part = clean(m.content().get(j), m.role(), i, j);
        if (part == null) {
          continue;
        }
        if (part instanceof ContentPart.ToolCall call) {
          toolBlocks = true;
          historyToolNames.add(call.name());
        } else if (part instanceof ContentPart.ToolResult) {
          toolBlocks = true;
        }
        hasContent |= !(part instanceof ContentPart.CachePoint);
        pieces.add(new Piece(part, i, j));
      }
      if (!hasContent) {
        // Nothing left but cache points: they mark the end of what came before.
        for (Piece cachePoint : pieces) {
          appendToPrevious(cachePoint, turns, turns.size(), beforeFirstTurn);
        }
        continue;
      }
      Role role = m.role() == Role.ASSISTANT ? Role.ASSISTANT : Role.USER;
      if (turns.isEmpty() && role != Role.USER) {
        throw new BedrockRequestException(
            "messages["
                + i
                + "]: the conversation must start with a user turn, but its first turn is an"
                + " assistant turn");
      }
      DraftTurn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
      if (last == null || last.role != role) {
        last = new DraftTurn(role);
        turns.add(last);
      }
      last.pieces.addAll(pieces);
    }
    if (turns.isEmpty()) {
      throw new BedrockRequestException(
          "the request has no user message with content (Bedrock needs at least one)");
    }

    for (int k = 0; k < turns.size(); k++) {
      DraftTurn turn = turns.get(k);
      while (turn.pieces.get(0).isCachePoint()) {
        appendToPrevious(turn.pieces.remove(0), turns, k, beforeFirstTurn);
      }
    }
    // Only now, when every leading cache point has moved, is each turn's content final.
    List<Turn> prepared = new ArrayList<>(turns.size());
    List<Piece> cachePoints = new ArrayList<>();
    system.addAll(beforeFirstTurn);
    List<ContentPart> systemParts = finishCachePoints(system, cachePoints);
    for (DraftTurn turn : turns) {
      List<Piece> pieces = turn.role == Role.USER ? toolResultsFirst(turn.pieces) : turn.pieces;
      prepared.add(new Turn(turn.role, finishCachePoints(pieces, cachePoints)));
    }
    if (cachePoints.size() > MAX_CACHE_POINTS) {
      throw new BedrockRequestException(
          cachePoints.get(MAX_CACHE_POINTS).where()
              + ": at most "
              + MAX_CACHE_POINTS
              + " cache points are allowed in one request; this is cache point number "
              + (MAX_CACHE_POINTS + 1));
    }
    return finish(request, systemParts, prepared, toolBlocks, historyToolNames);
  }

  /** The rules on everything but the conversation: tools, tool choice, reasoning, extra fields. */
  private static PreparedRequest finish(
      ChatRequest request,
      List<ContentPart> systemParts,
      List<Turn> turns,
      boolean toolBlocks,
      Set<String> historyToolNames) {
    List<PreparedTool> tools = prepareTools(request.tools());
    if (tools.isEmpty() && toolBlocks) {
      tools = synthesiseTools(historyToolNames);
    }
    ToolChoice choice = checkToolChoice(request, tools);
    int budget = reasoningBudget(request);
    return new PreparedRequest(
        request,
        List.copyOf(systemParts),
        List.copyOf(turns),
        List.copyOf(tools),
        choice,
        toolBlocks,
        budget,
        extraFields(request.extraFields()));
  }

  /**
   * Refuses extra fields that Bedrock would refuse in an Anthropic body: OpenAI-only options, and
   * {@code model} and {@code stream}, which the Bedrock path decides.
   */
  static void refuseFieldsAnthropicRejects(Map<String, String> extraFields, String where) {
    for (String name : extraFields.keySet()) {
      if (name.equals("model") || name.equals("stream")) {
        throw new BedrockRequestException(
            "extraFields['"
                + name
                + "']: on Bedrock the model and streaming are chosen by the operation's path, not"
                + " by the "
                + where);
      }
      if (OPENAI_ONLY_FIELDS.contains(name)) {
        throw new BedrockRequestException(
            "extraFields['"
                + name
                + "'] is an OpenAI-only option; Bedrock refuses it for Anthropic models"
                + " (extraneous key), so it cannot go into the "
                + where);
      }
    }
  }

  static String location(int message, int part) {
    return "messages[" + message + "].content[" + part + "]";
  }

  private static void addSystemParts(Message m, int i, List<Piece> system) {
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart part = m.content().get(j);
      if (part instanceof ContentPart.Text t) {
        if (!t.text().isBlank()) {
          system.add(new Piece(t, i, j));
        }
      } else if (part instanceof ContentPart.CachePoint) {
        system.add(new Piece(part, i, j));
      } else if (part instanceof ContentPart.Unknown u) {
        system.add(new Piece(normalise(u, location(i, j)), i, j));
      } else {
        throw new BedrockRequestException(
            location(i, j)
                + ": a system message can hold only text and cache points, not "
                + kind(part));
      }
    }
  }

  /** The part as it should be sent, or null when it is to be dropped. */
  private static ContentPart clean(ContentPart part, Role role, int i, int j) {
    if (role == Role.TOOL
        && !(part instanceof ContentPart.ToolResult)
        && !(part instanceof ContentPart.CachePoint)) {
      if (part instanceof ContentPart.Text t && t.text().isBlank()) {
        return null;
      }
      // Text here would lose its tool call id; core's codecs put tool output in a ToolResult.
      throw new BedrockRequestException(
          location(i, j) + ": a tool message can hold only tool results, not " + kind(part));
    }
    if (part instanceof ContentPart.Text t) {
      return t.text().isBlank() ? null : t;
    } else if (part instanceof ContentPart.Image image) {
      return inline(image, location(i, j));
    } else if (part instanceof ContentPart.ToolCall call) {
      if (role != Role.ASSISTANT) {
        throw new BedrockRequestException(
            location(i, j)
                + ": a tool call belongs in an assistant message, not a "
                + roleName(role));
      }
      String arguments = arguments(call, location(i, j));
      // Compact already (the usual case): the part is sent as it is.
      return arguments == call.argumentsJson()
          ? call
          : new ContentPart.ToolCall(call.id(), call.name(), arguments);
    } else if (part instanceof ContentPart.ToolResult result) {
      if (role == Role.ASSISTANT) {
        throw new BedrockRequestException(
            location(i, j)
                + ": a tool result belongs in a tool or user message, not an assistant message");
      }
      return cleanToolResult(result, location(i, j));
    } else if (part instanceof ContentPart.Unknown u) {
      return normalise(u, location(i, j));
    } else if (part instanceof ContentPart.Reasoning r
        && (r.signature() == null || r.signature().isEmpty())) {
      // Reasoning echoed without its signature (OpenAI-style clients cannot carry one) is refused
      // by Bedrock; the model does not need its own old reasoning back, so it is left out.
      return null;
    }
    // Document, signed Reasoning, RedactedReasoning, CachePoint: sent as they are.
    return part;
  }

  private static ContentPart.ToolResult cleanToolResult(
      ContentPart.ToolResult result, String where) {
    List<ContentPart> content = new ArrayList<>(result.content().size());
    for (int k = 0; k < result.content().size(); k++) {
      ContentPart inner = result.content().get(k);
      String innerWhere = where + ".content[" + k + "]";
      if (inner instanceof ContentPart.Text t) {
        if (!t.text().isBlank()) {
          content.add(t);
        }
      } else if (inner instanceof ContentPart.Image image) {
        content.add(inline(image, innerWhere));
      } else if (inner instanceof ContentPart.Document) {
        content.add(inner);
      } else if (inner instanceof ContentPart.Unknown u) {
        content.add(normalise(u, innerWhere));
      } else {
        throw new BedrockRequestException(
            innerWhere + ": a tool result can hold text, images and documents, not " + kind(inner));
      }
    }
    return new ContentPart.ToolResult(result.toolCallId(), content, result.isError());
  }

  /** A {@code data:} URL becomes inline data; every Bedrock API takes images as bytes. */
  private static ContentPart.Image inline(ContentPart.Image image, String where) {
    String url = image.url();
    if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
      return image;
    }
    int comma = url.indexOf(',');
    String header = comma < 0 ? "" : url.substring(5, comma);
    if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      throw new BedrockRequestException(where + ": an image data URL must be base64-encoded");
    }
    String mediaType = header.substring(0, header.length() - ";base64".length());
    if (mediaType.isEmpty()) {
      throw new BedrockRequestException(where + ": an image data URL must name its media type");
    }
    return ContentPart.Image.ofBase64(mediaType, url.substring(comma + 1));
  }

  private static String arguments(ContentPart.ToolCall call, String where) {
    String compact;
    try {
      compact = WireJson.compact(call.argumentsJson());
    } catch (JsonProcessingException e) {
      throw new BedrockRequestException(
          where + ": the arguments of tool call '" + call.name() + "' are not valid JSON", e);
    }
    if (compact == null || compact.equals("null")) {
      return "{}";
    }
    if (compact.charAt(0) != '{') {
      throw new BedrockRequestException(
          where + ": the arguments of tool call '" + call.name() + "' must be a JSON object");
    }
    return compact;
  }

  private static ContentPart.Unknown normalise(ContentPart.Unknown u, String where) {
    String compact;
    try {
      compact = WireJson.compact(u.json());
    } catch (JsonProcessingException e) {
      throw new BedrockRequestException(
          where + ": the '" + u.type() + "' block does not hold valid JSON", e);
    }
    if (compact == null) {
      throw new BedrockRequestException(where + ": the '" + u.type() + "' block is empty");
    }
    // Compact already (the usual case): the part is sent as it is.
    return compact == u.json() ? u : new ContentPart.Unknown(u.type(), compact);
  }

  /**
   * Puts a cache point after the content that precedes it: the end of turn {@code before - 1}, or
   * the end of the system prompt when no turn precedes it.
   */
  private static void appendToPrevious(
      Piece cachePoint, List<DraftTurn> turns, int before, List<Piece> beforeFirstTurn) {
    if (before > 0) {
      turns.get(before - 1).pieces.add(cachePoint);
    } else {
      beforeFirstTurn.add(cachePoint);
    }
  }

  /** Stable reordering: tool results (with the cache points after them) first, then the rest. */
  private static List<Piece> toolResultsFirst(List<Piece> pieces) {
    List<Piece> results = new ArrayList<>();
    List<Piece> rest = new ArrayList<>();
    List<Piece> target = rest;
    for (Piece p : pieces) {
      if (!p.isCachePoint()) {
        target = p.isToolResult() ? results : rest;
      }
      target.add(p);
    }
    if (results.isEmpty()) {
      return pieces;
    }
    results.addAll(rest);
    return results;
  }

  /**
   * Drops leading cache points (possible only in the system prompt) and repeated ones, collects the
   * remaining ones into {@code counted}, and returns the parts.
   */
  private static List<ContentPart> finishCachePoints(List<Piece> pieces, List<Piece> counted) {
    List<ContentPart> out = new ArrayList<>(pieces.size());
    for (Piece p : pieces) {
      if (p.isCachePoint()) {
        if (out.isEmpty() || out.get(out.size() - 1) instanceof ContentPart.CachePoint) {
          continue;
        }
        counted.add(p);
      }
      out.add(p.part());
    }
    return out;
  }

  private static List<PreparedTool> prepareTools(List<Tool> tools) {
    if (tools.isEmpty()) {
      return List.of();
    }
    // The same Tool objects come back with every turn when the caller (or the OpenAI decoder's
    // cache) reuses them: their prepared form is kept by identity.
    int slot = System.identityHashCode(tools.get(0)) & (PREPARED_TOOLS_SLOTS - 1);
    PreparedTools cached = PREPARED_TOOLS[slot];
    if (cached != null && cached.isFor(tools)) {
      return cached.prepared;
    }
    List<PreparedTool> out = new ArrayList<>(tools.size());
    Set<String> names = new HashSet<>();
    for (int k = 0; k < tools.size(); k++) {
      Tool tool = tools.get(k);
      if (!isToolName(tool.name())) {
        checkToolName(tool.name(), "tools[" + k + "]");
      }
      if (!names.add(tool.name())) {
        throw new BedrockRequestException(
            "tools[" + k + "]: the tool name '" + tool.name() + "' is used by two tools");
      }
      out.add(new PreparedTool(tool.name(), tool.description(), schema(tool, k)));
    }
    List<PreparedTool> prepared = List.copyOf(out);
    long chars = 0;
    for (Tool tool : tools) {
      chars += tool.description().length() + tool.parametersJsonSchema().length();
    }
    if (chars <= MAX_PREPARED_TOOLS_CHARS) {
      PREPARED_TOOLS[slot] = new PreparedTools(tools.toArray(new Tool[0]), prepared);
    }
    return prepared;
  }

  private static final int PREPARED_TOOLS_SLOTS = 16; // power of two

  /** Larger tool lists are prepared afresh each time rather than held (16 × 256K chars at most). */
  private static final long MAX_PREPARED_TOOLS_CHARS = 256 * 1024;

  // Racy by design: a slot holds an immutable entry or null, and a lost update is only a miss.
  private static final PreparedTools[] PREPARED_TOOLS = new PreparedTools[PREPARED_TOOLS_SLOTS];

  /** Tools (compared by identity) and their prepared form; final fields: safely shared. */
  private static final class PreparedTools {
    final Tool[] tools;
    final List<PreparedTool> prepared;

    PreparedTools(Tool[] tools, List<PreparedTool> prepared) {
      this.tools = tools;
      this.prepared = prepared;
    }

    boolean isFor(List<Tool> other) {
      if (other.size() != tools.length) {
        return false;
      }
      for (int i = 0; i < tools.length; i++) {
        if (other.get(i) != tools[i]) {
          return false;
        }
      }
      return true;
    }
  }

  private static List<PreparedTool> synthesiseTools(Set<String> names) {
    List<PreparedTool> out = new ArrayList<>(names.size());
    for (String name : names) {
      checkToolName(name, "a tool call in the history");
      out.add(new PreparedTool(name, "", EMPTY_OBJECT_SCHEMA));
    }
    return out;
  }

  private static void checkToolName(String name, String where) {
    if (!isToolName(name)) {
      throw new BedrockRequestException(
          where
              + ": the tool name '"
              + name
              + "' is not allowed; Bedrock needs 1 to 64 characters from [a-zA-Z0-9_-]");
    }
  }

  /** Whether {@code name} matches {@code [a-zA-Z0-9_-]{1,64}}. */
  private static boolean isToolName(String name) {
    int n = name.length();
    if (n < 1 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Normalised schemas by their source text: tools are the same call after call, and parsing and
   * re-serialising them was a measurable part of every request. Bounded; cleared when full.
   */
  private static final Map<String, String> SCHEMAS = new ConcurrentHashMap<>();

  private static final int MAX_CACHED_SCHEMAS = 512;

  /** The cached schemas' text encoded once, by the normalised text. */
  private static final Map<String, SerializedString> RAW_SCHEMAS = new ConcurrentHashMap<>();

  /**
   * Writes a prepared tool's schema as a raw value: a cached schema (the usual case) is copied as
   * UTF-8 bytes encoded once, not encoded again on every request.
   */
  static void writeSchema(JsonGenerator g, String schemaJson) throws IOException {
    SerializedString raw = RAW_SCHEMAS.get(schemaJson);
    if (raw != null) {
      g.writeRawValue(raw);
    } else {
      g.writeRawValue(schemaJson);
    }
  }

  private static String schema(Tool tool, int k) {
    String cached = SCHEMAS.get(tool.parametersJsonSchema());
    if (cached != null) {
      return cached;
    }
    String normalised = normaliseSchema(tool, "tools[" + k + "]");
    if (SCHEMAS.size() >= MAX_CACHED_SCHEMAS) {
      SCHEMAS.clear();
      RAW_SCHEMAS.clear();
    }
    SCHEMAS.put(tool.parametersJsonSchema(), normalised);
    if (!hasSurrogate(normalised)) {
      // (A lone surrogate cannot be encoded ahead; such a schema keeps the generator's handling.)
      SerializedString raw = new SerializedString(normalised);
      raw.asUnquotedUTF8(); // made before the map publishes it (SerializedString makes it lazily)
      RAW_SCHEMAS.put(normalised, raw);
    }
    return normalised;
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String normaliseSchema(Tool tool, String where) {
    JsonNode node;
    try {
      node = WireJson.parse(tool.parametersJsonSchema());
    } catch (JsonProcessingException e) {
      throw new BedrockRequestException(
          where + ": the parameter schema of tool '" + tool.name() + "' is not valid JSON", e);
    }
    if (node == null || !node.isObject()) {
      throw new BedrockRequestException(
          where + ": the parameter schema of tool '" + tool.name() + "' must be a JSON object");
    }
    JsonNode type = node.get("type");
    if (type == null) {
      ObjectNode withType = WireJson.MAPPER.createObjectNode().put("type", "object");
      withType.setAll((ObjectNode) node);
      return WireJson.compact(withType);
    }
    if (!type.isTextual() || !type.asText().equals("object")) {
      throw new BedrockRequestException(
          where
              + ": the parameter schema of tool '"
              + tool.name()
              + "' must have root type 'object', not "
              + type);
    }
    return WireJson.compact(node);
  }

  /** The request's tool choice, or null; refused when the tools cannot satisfy it. */
  private static ToolChoice checkToolChoice(ChatRequest request, List<PreparedTool> tools) {
    ToolChoice choice = request.toolChoice().orElse(null);
    if (choice == null) {
      return null;
    }
    if (choice.kind() == ToolChoice.Kind.ANY && tools.isEmpty()) {
      throw new BedrockRequestException("toolChoice requires a tool call, but there are no tools");
    }
    if (choice.kind() == ToolChoice.Kind.TOOL
        && tools.stream().noneMatch(t -> t.name().equals(choice.toolName()))) {
      throw new BedrockRequestException(
          "toolChoice names the tool '" + choice.toolName() + "', which is not among the tools");
    }
    return choice;
  }

  /**
   * The explicit budget, else one derived from the OpenAI-style effort (the mapping LiteLLM uses,
   * raised to Anthropic's minimum of 1024); 0 for no reasoning.
   */
  private static int reasoningBudget(ChatRequest request) {
    int budget;
    if (request.reasoningBudgetTokens().isPresent()) {
      budget = request.reasoningBudgetTokens().getAsInt();
    } else if (request.reasoningEffort().isPresent()) {
      String effort = request.reasoningEffort().get().toLowerCase(Locale.ROOT);
      switch (effort) {
        case "none":
          budget = 0;
          break;
        case "minimal":
        case "low":
          budget = 1024;
          break;
        case "medium":
          budget = 2048;
          break;
        case "high":
          budget = 4096;
          break;
        default:
          throw new BedrockRequestException(
              "reasoningEffort '"
                  + request.reasoningEffort().get()
                  + "' is not one of none, minimal, low, medium, high");
      }
    } else {
      return 0;
    }
    if (budget < 0) {
      throw new BedrockRequestException("reasoningBudgetTokens cannot be negative: " + budget);
    }
    if (budget > 0 && request.maxTokens().isPresent() && request.maxTokens().getAsInt() <= budget) {
      throw new BedrockRequestException(
          "maxTokens ("
              + request.maxTokens().getAsInt()
              + ") must be greater than the reasoning budget ("
              + budget
              + " tokens): the budget is part of the output");
    }
    return budget;
  }

  /** The extra fields as compact JSON text, read-only, in request order. */
  private static Map<String, String> extraFields(Map<String, String> extra) {
    if (extra.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : extra.entrySet()) {
      String name = e.getKey();
      String compact;
      try {
        compact = WireJson.compact(e.getValue());
      } catch (JsonProcessingException ex) {
        throw new BedrockRequestException("extraFields['" + name + "'] is not valid JSON", ex);
      }
      if (compact == null) {
        throw new BedrockRequestException("extraFields['" + name + "'] is empty");
      }
      if (name.equals("anthropic_beta")) {
        JsonNode node;
        try {
          node = WireJson.parse(compact);
        } catch (JsonProcessingException ex) {
          throw new IllegalStateException("compact JSON did not parse", ex);
        }
        compact = WireJson.compact(betas(node));
      }
      out.put(name, compact);
    }
    return Collections.unmodifiableMap(out);
  }

  /** Betas go in the body as an array; a comma-separated string is accepted and split. */
  private static JsonNode betas(JsonNode node) {
    ArrayNode array = WireJson.MAPPER.createArrayNode();
    if (node.isTextual()) {
      for (String beta : node.asText().split(",")) {
        if (!beta.isBlank()) {
          array.add(beta.strip());
        }
      }
      return array;
    }
    if (node.isArray()) {
      for (JsonNode beta : node) {
        if (!beta.isTextual()) {
          throw new BedrockRequestException(
              "extraFields['anthropic_beta'] must be an array of strings, but holds " + beta);
        }
      }
      return node;
    }
    throw new BedrockRequestException(
        "extraFields['anthropic_beta'] must be an array of strings, not " + node);
  }

  private static String roleName(Role role) {
    return role.name().toLowerCase(Locale.ROOT) + " message";
  }

  /** A readable name of the part's kind for error messages. */
  static String kind(ContentPart part) {
    if (part instanceof ContentPart.Unknown u) {
      return "a '" + u.type() + "' block";
    }
    String name = part.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2");
    return "a " + name.toLowerCase(Locale.ROOT) + " part";
  }
}
