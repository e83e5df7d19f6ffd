package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.codec.PreparedRequest.PreparedTool;
import dev.aperture.bedrock.codec.PreparedRequest.Turn;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatResponse;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.ToolChoice;
import dev.aperture.chat.Usage;
import dev.aperture.internal.FastJsonFactory;
import dev.aperture.internal.JsonText;
import dev.aperture.internal.KeptPerThread;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Translates between the canonical chat model and the Bedrock Converse API ({@code POST
 * /model/{modelId}/converse}). The model id is not part of the body; it goes in the path.
 *
 * <p>Request rules beyond a field-by-field mapping: the conversation is first cleaned by the same
 * hygiene step the Anthropic codec uses (see the package's {@code RequestHygiene}). Converse has no
 * "none" tool choice: for {@link ToolChoice#NONE} the choice is omitted and, when the history holds
 * no tool blocks, so are the tools; when it does, the tool configuration is kept because Bedrock
 * demands it. Images must be inline data (Converse takes bytes or S3 locations, never URLs). {@code
 * topK} and the reasoning budget go into {@code additionalModelRequestFields} in the model family's
 * vocabulary ({@code top_k} and {@code thinking} for Anthropic); {@link ChatRequest#extraFields()}
 * are merged there too, except Converse's own top-level fields ({@code guardrailConfig}, {@code
 * performanceConfig}, {@code serviceTier}, {@code additionalModelResponseFieldPaths}, {@code
 * promptVariables}, {@code outputConfig}), which stay top-level. {@link
 * ChatRequest#parallelToolCalls()} has no Converse field and is not sent.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConverseCodec {
  /** Extra fields that are Converse request fields rather than model fields. */
  private static final Set<String> TOP_LEVEL_FIELDS =
      Set.of(
          "guardrailConfig",
          "performanceConfig",
          "serviceTier",
          "additionalModelResponseFieldPaths",
          "promptVariables",
          "outputConfig");

  private static final Set<String> GEO_PREFIXES =
      Set.of("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global");

  private static final Set<String> OTHER_PROVIDERS =
      Set.of(
          "ai21",
          "cohere",
          "deepseek",
          "google",
          "luma",
          "meta",
          "minimax",
          "mistral",
          "moonshot",
          "moonshotai",
          "nvidia",
          "openai",
          "qwen",
          "stability",
          "twelvelabs",
          "writer");

  /** Text sent for a tool result with no content: Converse refuses empty text blocks. */
  static final String EMPTY_TOOL_RESULT_TEXT = "(empty)";

  private enum Family {
    ANTHROPIC,
    AMAZON,
    OTHER,
    /** Not recognisable from the id (an alias, an application inference profile ARN). */
    UNKNOWN
  }

  /** A codec; it holds no state, so one instance can serve every request. */
  public ConverseCodec() {}

  /**
   * Encodes {@code request} as a Converse body, reading the model family from {@link
   * ChatRequest#model()}. Prefer {@link #encodeRequest(ChatRequest, String)} when the request's
   * model is an alias.
   *
   * @throws BedrockRequestException if the request cannot be expressed or would be refused
   */
  public byte[] encodeRequest(ChatRequest request) {
    return encodeRequest(request, request.model());
  }

  /**
   * Encodes {@code request} as a Converse body for the Bedrock model {@code modelId} (a model id,
   * inference profile id or ARN; it only decides the vocabulary of model-specific fields).
   *
   * @throws BedrockRequestException if the request cannot be expressed or would be refused
   */
  public byte[] encodeRequest(ChatRequest request, String modelId) {
    return WireJson.write(body(request, modelId));
  }

  /**
   * Encodes {@code request} as a Converse body for {@code modelId} into {@code out} (left open),
   * e.g. straight into an HTTP client's buffer. After a {@link BedrockRequestException} {@code out}
   * may hold part of a body: write into a buffer of your own and drop it then. {@code out} may be
   * handed arrays the codec keeps for later requests (the encodings of a conversation's turns and
   * tools): it must not modify what it is given, as no {@code OutputStream} of the JDK or Okio
   * does.
   *
   * @throws BedrockRequestException if the request cannot be expressed or would be refused
   * @throws IOException if {@code out} fails
   */
  public void encodeRequest(ChatRequest request, String modelId, OutputStream out)
      throws IOException {
    WireJson.writeTo(body(request, modelId), out);
  }

  /** The body writer for {@code request}, prepared (most checks done); nothing written yet. */
  private WireJson.Body body(ChatRequest request, String modelId) {
    PreparedRequest prepared = RequestHygiene.prepare(request);
    Family family = family(modelId);
    Map<String, String> topLevelExtras =
        prepared.extraFields().isEmpty() ? Map.of() : new LinkedHashMap<>();
    Map<String, String> modelFields = modelFields(prepared, family, modelId, topLevelExtras);
    return g -> {
      g.writeStartObject();
      writeMessages(g, prepared.turns());
      writeSystem(g, prepared.system());
      writeInferenceConfig(g, request);
      writeToolConfig(g, prepared);
      if (!modelFields.isEmpty()) {
        g.writeObjectFieldStart("additionalModelRequestFields");
        writeRawFields(g, modelFields);
        g.writeEndObject();
      }
      if (!request.metadata().isEmpty()) {
        g.writeObjectFieldStart("requestMetadata");
        Map<String, String> metadata = request.metadata();
        // by key: a one-entry map makes a set and an iterator, but no entry object, for this
        for (String key : metadata.keySet()) {
          g.writeStringField(key, metadata.get(key));
        }
        g.writeEndObject();
      }
      writeRawFields(g, topLevelExtras);
      g.writeEndObject();
    };
  }

  /**
   * Decodes a Converse answer. {@code model} and {@code provider} are recorded on the response as
   * given (the caller's model name and the configured provider id). Converse gives no answer id, so
   * a {@code msg_…} id is generated. Unknown fields are ignored; unknown content blocks are kept as
   * {@link ContentPart.Unknown}.
   *
   * @throws BedrockResponseException if the body is not JSON or has no {@code output} message
   */
  public ChatResponse decodeResponse(byte[] body, String model, String provider) {
    return decode(WireJson.Input.of(body), model, provider);
  }

  /**
   * Decodes the {@code length} bytes of {@code body} from {@code offset} as {@link
   * #decodeResponse(byte[], String, String)} decodes a whole array (the part of a network buffer
   * that holds the answer, read without a copy). Nothing refers to {@code body} afterwards.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code body}
   */
  public ChatResponse decodeResponse(
      byte[] body, int offset, int length, String model, String provider) {
    return decode(new WireJson.Input(body, offset, length), model, provider);
  }

  private static ChatResponse decode(WireJson.Input body, String model, String provider) {
    return WireJson.readFastOrTree(
        body, p -> readResponse(p, body, model, provider), () -> decodeTree(body, model, provider));
  }

  /**
   * Each thread's answer builder and content list, so that an answer does not make a builder, its
   * empty collections and a list of parts only to copy them (about 0.25 KB). Taken out of the slot
   * while an answer is read (so a read that fails drops them), cleared before they go back, so they
   * keep nothing of an answer, and put back only if neither the list nor the builder held more than
   * {@link #MAX_KEPT_ELEMENTS} parts or extra fields (they keep their capacity).
   */
  static final class KeptBuilder {
    final ImmutableChatResponse.Builder response = ChatResponse.builder();
    final ArrayList<ContentPart> content = new ArrayList<>(2);

    /**
     * The most parts {@link #content} held while this answer was read (a repeated key clears it).
     */
    int largest;

    static final KeptPerThread<KeptBuilder> KEPT = new KeptPerThread<>(KeptBuilder::new);

    /** Clears both and keeps them unless they held too much. */
    void giveBack(Object[] slot, int extraFields) {
      response.clear();
      content.clear();
      boolean small = largest <= MAX_KEPT_ELEMENTS && extraFields <= MAX_KEPT_ELEMENTS;
      largest = 0;
      if (small) {
        KEPT.giveBack(slot, this);
      }
    }
  }

  static final int MAX_KEPT_ELEMENTS = 256;

  /**
   * The streaming reader: the answer, or null when it is not a plain answer (no {@code output}
   * message, not an object), which the tree reader then refuses with its message.
   */
  private static ChatResponse readResponse(
      JsonParser p, WireJson.Input body, String model, String provider) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    Object[] slot = KeptBuilder.KEPT.slot();
    KeptBuilder kept = KeptBuilder.KEPT.borrow(slot);
    ChatResponse answer = readResponse(p, body, model, provider, kept);
    kept.giveBack(slot, answer == null ? 0 : answer.extraFields().size());
    return answer;
  }

  private static ChatResponse readResponse(
      JsonParser p, WireJson.Input body, String model, String provider, KeptBuilder kept)
      throws IOException {
    List<ContentPart> content = null;
    String rawStop = null;
    Usage usage = null;
    Long latency = null;
    Map<String, String> extra = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "output":
          content = readOutput(p, body, kept);
          break;
        case "stopReason":
          rawStop = value == JsonToken.VALUE_STRING ? FastJsonFactory.identifier(p) : null;
          p.skipChildren();
          break;
        case "usage":
          usage = readUsage(p);
          break;
        case "metrics":
          latency = readLatency(p);
          break;
        case "additionalModelResponseFields":
          if (value == JsonToken.START_OBJECT) {
            extra = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              p.nextToken();
              extra.put(name, WireJson.compactValue(p));
            }
          } else {
            extra = null;
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    if (content == null) {
      return null;
    }
    ImmutableChatResponse.Builder response =
        kept.response
            .id(WireJson.generatedMessageId())
            .model(model)
            .provider(provider)
            .content(content)
            .stopReason(StopReason.fromWire(rawStop))
            .usage(usage != null ? usage : usage(null));
    if (rawStop != null) {
      response.rawStopReason(rawStop);
    }
    if (latency != null) {
      response.latencyMillis(latency);
    }
    if (extra != null) {
      response.putAllExtraFields(extra);
    }
    return response.build();
  }

  /**
   * {@code output}: the content of its {@code message} (in {@code kept}'s list, cleared first), or
   * null when it has no message object.
   */
  private static List<ContentPart> readOutput(JsonParser p, WireJson.Input body, KeptBuilder kept)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    List<ContentPart> content = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (!field.equals("message")) {
        p.skipChildren();
        continue;
      }
      // A repeated key counts with its last value, as in a tree.
      if (value != JsonToken.START_OBJECT) {
        content = null;
        p.skipChildren();
        continue;
      }
      content = kept.content;
      content.clear();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String messageField = p.currentName();
        JsonToken messageValue = p.nextToken();
        if (!messageField.equals("content")) {
          p.skipChildren();
          continue;
        }
        content.clear();
        if (messageValue != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            continue;
          }
          ContentPart part = readBlock(p, body);
          if (part != null) {
            content.add(part);
          }
        }
        kept.largest = Math.max(kept.largest, content.size());
      }
    }
    return content;
  }

  /** One content block, the parser at its start; null for an empty block. */
  private static ContentPart readBlock(JsonParser p, WireJson.Input body) throws IOException {
    long start = p.currentTokenLocation().getByteOffset();
    int fields = 0;
    String text = null;
    ContentPart.ToolCall toolCall = null;
    boolean reasoningText = false;
    String reasoning = null;
    String signature = null;
    String redacted = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      fields++;
      String field = p.currentName();
      JsonToken value = p.nextToken();
      // A repeated key counts with its last value, as in a tree.
      if (field.equals("text")) {
        text = WireJson.stringOrNull(p);
        p.skipChildren();
      } else if (field.equals("toolUse")) {
        toolCall = value == JsonToken.START_OBJECT ? readToolUse(p) : null;
        p.skipChildren();
      } else if (field.equals("reasoningContent")) {
        reasoningText = false;
        reasoning = null;
        signature = null;
        redacted = null;
        if (value != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("reasoningText")) {
            reasoningText = v == JsonToken.START_OBJECT;
            reasoning = null;
            signature = null;
            if (!reasoningText) {
              p.skipChildren();
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String inner = p.currentName();
              p.nextToken();
              if (inner.equals("text")) {
                reasoning = WireJson.stringOrNull(p);
              } else if (inner.equals("signature")) {
                signature = WireJson.stringOrNull(p);
              }
              p.skipChildren();
            }
          } else if (name.equals("redactedContent")) {
            redacted = WireJson.stringOrNull(p);
            p.skipChildren();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (fields == 0) {
      return null;
    }
    if (text != null) {
      return new ContentPart.Text(text);
    }
    if (toolCall != null) {
      return toolCall;
    }
    if (reasoningText) {
      return new ContentPart.Reasoning(reasoning == null ? "" : reasoning, signature);
    }
    if (redacted != null) {
      return new ContentPart.RedactedReasoning(redacted);
    }
    // Anything else is kept raw, as the tree reader keeps it.
    try (JsonParser blockParser = body.parserFrom(start)) {
      return decodeBlock(WireJson.MAPPER.readTree(blockParser));
    }
  }

  static ContentPart.ToolCall readToolUse(JsonParser p) throws IOException {
    String id = "";
    String name = "";
    String input = "{}";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "toolUseId":
          id = value == JsonToken.VALUE_STRING ? p.getText() : "";
          p.skipChildren();
          break;
        case "name":
          name = value == JsonToken.VALUE_STRING ? p.getText() : "";
          p.skipChildren();
          break;
        case "input":
          input = value == JsonToken.VALUE_NULL ? "{}" : WireJson.compactValue(p);
          break;
        default:
          p.skipChildren();
      }
    }
    return new ContentPart.ToolCall(id, name, input);
  }

  static Usage readUsage(JsonParser p) throws IOException {
    long input = 0;
    long output = 0;
    long cacheRead = 0;
    long cacheWrite = 0;
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "inputTokens":
            input = WireJson.count(p);
            break;
          case "outputTokens":
            output = WireJson.count(p);
            break;
          case "cacheReadInputTokens":
            cacheRead = WireJson.count(p);
            break;
          case "cacheWriteInputTokens":
            cacheWrite = WireJson.count(p);
            break;
          default:
            p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    return usage(input, output, cacheRead, cacheWrite);
  }

  static Long readLatency(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    Long latency = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("latencyMs")) {
        latency = WireJson.asLong(p);
      } else {
        p.skipChildren();
      }
    }
    return latency;
  }

  /** The tree reader: the reference for every case the streaming reader hands over. */
  private static ChatResponse decodeTree(WireJson.Input body, String model, String provider) {
    JsonNode root = WireJson.readResponse(body, "Bedrock Converse");
    JsonNode output = root.get("output");
    JsonNode message = output == null ? null : output.get("message");
    if (message == null || !message.isObject()) {
      String upstream = WireJson.text(root, "message");
      if (upstream == null) {
        upstream = WireJson.text(root, "Message");
      }
      throw new BedrockResponseException(
          "Bedrock Converse answered without an 'output' message"
              + (upstream == null ? "" : ": " + abbreviate(upstream)));
    }
    List<ContentPart> content = new ArrayList<>();
    JsonNode blocks = message.get("content");
    if (blocks != null && blocks.isArray()) {
      for (JsonNode block : blocks) {
        ContentPart part = decodeBlock(block);
        if (part != null) {
          content.add(part);
        }
      }
    }
    String rawStop = WireJson.text(root, "stopReason");
    JsonNode usage = root.get("usage");
    ImmutableChatResponse.Builder response =
        ChatResponse.builder()
            .id(WireJson.generatedMessageId())
            .model(model)
            .provider(provider)
            .content(content)
            .stopReason(StopReason.fromWire(rawStop))
            .usage(usage(usage));
    if (rawStop != null) {
      response.rawStopReason(rawStop);
    }
    JsonNode metrics = root.get("metrics");
    if (metrics != null && metrics.path("latencyMs").canConvertToLong()) {
      response.latencyMillis(metrics.get("latencyMs").asLong());
    }
    JsonNode extra = root.get("additionalModelResponseFields");
    if (extra != null && extra.isObject()) {
      for (Map.Entry<String, JsonNode> f : extra.properties()) {
        response.putExtraField(f.getKey(), WireJson.compact(f.getValue()));
      }
    }
    return response.build();
  }

  // ---- request ----

  /**
   * Converse usage, from a response's or a stream's {@code metadata.usage}: {@code inputTokens}
   * already excludes cache reads and writes; cache writes count as 5-minute writes (Converse does
   * not say which lifetime).
   */
  static Usage usage(JsonNode usage) {
    return usage(
        WireJson.count(usage, "inputTokens"),
        WireJson.count(usage, "outputTokens"),
        WireJson.count(usage, "cacheReadInputTokens"),
        WireJson.count(usage, "cacheWriteInputTokens"));
  }

  private static Usage usage(long input, long output, long cacheRead, long cacheWrite) {
    return Usage.builder()
        .inputTokens(input)
        .outputTokens(output)
        .cacheReadTokens(cacheRead)
        .cacheWrite5mTokens(cacheWrite)
        .build();
  }

  private static Map<String, String> modelFields(
      PreparedRequest prepared, Family family, String modelId, Map<String, String> topLevel) {
    ChatRequest request = prepared.source();
    if (request.topK().isEmpty()
        && prepared.reasoningBudgetTokens() == 0
        && prepared.extraFields().isEmpty()) {
      return Map.of(); // the usual request: nothing model-specific to sort out
    }
    Map<String, String> fields = new LinkedHashMap<>();
    if (request.topK().isPresent()) {
      int topK = request.topK().getAsInt();
      if (family == Family.AMAZON) {
        // Nova reads top-k from its own inferenceConfig inside the model fields.
        fields.put("inferenceConfig", "{\"topK\":" + topK + "}");
      } else {
        fields.put("top_k", Integer.toString(topK));
      }
    }
    boolean anthropicLike = family == Family.ANTHROPIC || family == Family.UNKNOWN;
    if (prepared.reasoningBudgetTokens() > 0) {
      if (!anthropicLike) {
        throw new BedrockRequestException(
            "reasoningBudgetTokens and reasoningEffort become Anthropic's 'thinking' field, which"
                + " model '"
                + modelId
                + "' does not take; pass that model's own reasoning field through extraFields");
      }
      fields.put(
          "thinking",
          "{\"type\":\"enabled\",\"budget_tokens\":" + prepared.reasoningBudgetTokens() + "}");
    }
    Map<String, String> modelExtras = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : prepared.extraFields().entrySet()) {
      (TOP_LEVEL_FIELDS.contains(e.getKey()) ? topLevel : modelExtras)
          .put(e.getKey(), e.getValue());
    }
    if (anthropicLike) {
      RequestHygiene.refuseFieldsAnthropicRejects(modelExtras, "additionalModelRequestFields");
    }
    // The caller's explicit fields win over the ones derived from canonical settings.
    fields.putAll(modelExtras);
    return fields;
  }

  private static void writeRawFields(JsonGenerator g, Map<String, String> fields)
      throws IOException {
    for (Map.Entry<String, String> e : fields.entrySet()) {
      g.writeFieldName(e.getKey());
      g.writeRawValue(e.getValue());
    }
  }

  // Field names and values written on every call, encoded once.
  private static final SerializedString F_ANY = new SerializedString("any");
  private static final SerializedString F_AUTO = new SerializedString("auto");
  private static final SerializedString F_BYTES = new SerializedString("bytes");
  private static final SerializedString F_CACHE_POINT = new SerializedString("cachePoint");
  private static final SerializedString F_CONTENT = new SerializedString("content");
  private static final SerializedString F_DESCRIPTION = new SerializedString("description");
  private static final SerializedString F_DOCUMENT = new SerializedString("document");
  private static final SerializedString F_IMAGE = new SerializedString("image");
  private static final SerializedString F_INFERENCE_CONFIG =
      new SerializedString("inferenceConfig");
  private static final SerializedString F_INPUT = new SerializedString("input");
  private static final SerializedString F_INPUT_SCHEMA = new SerializedString("inputSchema");
  private static final SerializedString F_JSON = new SerializedString("json");
  private static final SerializedString F_MESSAGES = new SerializedString("messages");
  private static final SerializedString F_NAME = new SerializedString("name");
  private static final SerializedString F_REASONING_CONTENT =
      new SerializedString("reasoningContent");
  private static final SerializedString F_REASONING_TEXT = new SerializedString("reasoningText");
  private static final SerializedString F_REDACTED_CONTENT =
      new SerializedString("redactedContent");
  private static final SerializedString F_ROLE = new SerializedString("role");
  private static final SerializedString F_SIGNATURE = new SerializedString("signature");
  private static final SerializedString F_SOURCE = new SerializedString("source");
  private static final SerializedString F_STOP_SEQUENCES = new SerializedString("stopSequences");
  private static final SerializedString F_SYSTEM = new SerializedString("system");
  private static final SerializedString F_TEXT = new SerializedString("text");
  private static final SerializedString F_TOOL = new SerializedString("tool");
  private static final SerializedString F_TOOL_CHOICE = new SerializedString("toolChoice");
  private static final SerializedString F_TOOL_CONFIG = new SerializedString("toolConfig");
  private static final SerializedString F_TOOL_RESULT = new SerializedString("toolResult");
  private static final SerializedString F_TOOL_SPEC = new SerializedString("toolSpec");
  private static final SerializedString F_TOOL_USE = new SerializedString("toolUse");
  private static final SerializedString F_TOOL_USE_ID = new SerializedString("toolUseId");
  private static final SerializedString F_TOOLS = new SerializedString("tools");
  private static final SerializedString V_USER = new SerializedString("user");
  private static final SerializedString V_ASSISTANT = new SerializedString("assistant");

  private static void writeMessages(JsonGenerator g, List<Turn> turns) throws IOException {
    WireJson.startArray(g, F_MESSAGES);
    for (int t = 0; t < turns.size(); t++) {
      Turn turn = turns.get(t);
      TURNS.write(g, turn.parts(), turn.isUser(), t);
    }
    g.writeEndArray();
  }

  private static void writeTurnValue(JsonGenerator g, List<ContentPart> parts, Boolean user, int t)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName(F_ROLE);
    g.writeString(user ? V_USER : V_ASSISTANT);
    WireJson.startArray(g, F_CONTENT);
    for (int i = 0; i < parts.size(); i++) {
      writeBlock(g, parts.get(i), t);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Turns written lately, by their part list and role: a turn of the plain path holds its message's
   * own part list, which comes back with every turn of its conversation (other turns are made anew
   * for each request, so never met again). Only turns of text of at most {@link
   * #MAX_KEPT_TURN_CHARS} chars are remembered, and only their JSON of at most 8 KB is kept (up to
   * 256, each as a {@code String} and its bytes: under 6 MB even for text beyond Latin-1, besides
   * the turns' own text); images, documents, tool blocks and longer text are written each time and
   * leave no reference.
   */
  static final WrittenValues<List<ContentPart>, Boolean> TURNS =
      new WrittenValues<>(
          256, 8 * 1024, ConverseCodec::isKeptTurnSize, ConverseCodec::writeTurnValue);

  static final int MAX_KEPT_TURN_CHARS = 4096;

  /** Whether a turn of these parts may be kept: text only, of at most MAX_KEPT_TURN_CHARS. */
  static boolean isKeptTurnSize(List<ContentPart> parts) {
    int chars = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (!(parts.get(i) instanceof ContentPart.Text text)) {
        return false;
      }
      chars += text.text().length();
      if (chars > MAX_KEPT_TURN_CHARS) {
        return false;
      }
    }
    return true;
  }

  private static void writeSystem(JsonGenerator g, List<ContentPart> system) throws IOException {
    if (system.isEmpty()) {
      return;
    }
    WireJson.startArray(g, F_SYSTEM);
    for (ContentPart part : system) {
      writeBlock(g, part, -1);
    }
    g.writeEndArray();
  }

  /** Writes one content block; {@code turn} is the turn's index for errors (-1: system). */
  private static void writeBlock(JsonGenerator g, ContentPart part, int turn) throws IOException {
    g.writeStartObject();
    if (part instanceof ContentPart.Text t) {
      JsonText.writeField(g, F_TEXT, t.text());
    } else if (part instanceof ContentPart.Image image) {
      g.writeFieldName(F_IMAGE);
      writeImage(g, image, turn);
    } else if (part instanceof ContentPart.Document document) {
      g.writeFieldName(F_DOCUMENT);
      writeDocument(g, document);
    } else if (part instanceof ContentPart.ToolCall call) {
      WireJson.startObject(g, F_TOOL_USE);
      JsonText.writeField(g, F_TOOL_USE_ID, call.id());
      JsonText.writeField(g, F_NAME, call.name());
      g.writeFieldName(F_INPUT);
      g.writeRawValue(call.argumentsJson());
      g.writeEndObject();
    } else if (part instanceof ContentPart.ToolResult result) {
      writeToolResult(g, result, turn);
    } else if (part instanceof ContentPart.Reasoning reasoning) {
      WireJson.startObject(g, F_REASONING_CONTENT);
      WireJson.startObject(g, F_REASONING_TEXT);
      JsonText.writeField(g, F_TEXT, reasoning.text());
      if (reasoning.signature() != null) {
        JsonText.writeField(g, F_SIGNATURE, reasoning.signature());
      }
      g.writeEndObject();
      g.writeEndObject();
    } else if (part instanceof ContentPart.RedactedReasoning redacted) {
      WireJson.startObject(g, F_REASONING_CONTENT);
      JsonText.writeField(g, F_REDACTED_CONTENT, redacted.data());
      g.writeEndObject();
    } else if (part instanceof ContentPart.CachePoint cachePoint) {
      WireJson.startObject(g, F_CACHE_POINT);
      g.writeStringField("type", "default");
      if (cachePoint.ttl() != null) {
        g.writeStringField("ttl", cachePoint.ttl());
      }
      g.writeEndObject();
    } else if (part instanceof ContentPart.Unknown unknown) {
      g.writeFieldName(unknown.type());
      g.writeRawValue(unknown.json());
    }
    g.writeEndObject();
  }

  private static void writeToolResult(JsonGenerator g, ContentPart.ToolResult result, int turn)
      throws IOException {
    WireJson.startObject(g, F_TOOL_RESULT);
    JsonText.writeField(g, F_TOOL_USE_ID, result.toolCallId());
    WireJson.startArray(g, F_CONTENT);
    if (result.content().isEmpty()) {
      g.writeStartObject();
      JsonText.writeField(g, F_TEXT, EMPTY_TOOL_RESULT_TEXT);
      g.writeEndObject();
    }
    for (ContentPart part : result.content()) {
      // Hygiene left only text, images, documents and unknown blocks here.
      writeBlock(g, part, turn);
    }
    g.writeEndArray();
    g.writeStringField("status", result.isError() ? "error" : "success");
    g.writeEndObject();
  }

  private static void writeImage(JsonGenerator g, ContentPart.Image image, int turn)
      throws IOException {
    if (!image.isInline()) {
      throw new BedrockRequestException(
          where(turn)
              + ": Converse takes images as bytes, not URLs; fetch "
              + abbreviate(image.url())
              + " and send its data inline");
    }
    g.writeStartObject();
    g.writeStringField("format", imageFormat(image.mediaType(), turn));
    WireJson.startObject(g, F_SOURCE);
    JsonText.writeField(g, F_BYTES, image.base64Data());
    g.writeEndObject();
    g.writeEndObject();
  }

  private static String imageFormat(String mediaType, int turn) {
    String type = mediaType.toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) {
      type = type.substring(0, semicolon);
    }
    switch (type.strip()) {
      case "image/png":
        return "png";
      case "image/jpeg":
      case "image/jpg":
        return "jpeg";
      case "image/gif":
        return "gif";
      case "image/webp":
        return "webp";
      default:
        throw new BedrockRequestException(
            where(turn)
                + ": Converse takes png, jpeg, gif and webp images, not '"
                + mediaType
                + "'");
    }
  }

  private static void writeDocument(JsonGenerator g, ContentPart.Document document)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("format", document.format().toLowerCase(Locale.ROOT));
    JsonText.writeField(g, F_NAME, documentName(document.name()));
    WireJson.startObject(g, F_SOURCE);
    JsonText.writeField(g, F_BYTES, document.base64Data());
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * Converse allows only letters, digits, single spaces, hyphens, parentheses and square brackets
   * in a document name ({@code report.pdf} is refused): anything else becomes a hyphen.
   */
  static String documentName(String name) {
    // Same as replaceAll("[^A-Za-z0-9\\s\\-()\\[\\]]", "-").replaceAll("\\s+", " ").strip(),
    // without regular expressions (\\s being [ \\t\\n\\x0B\\f\\r]).
    StringBuilder out = new StringBuilder(name.length());
    boolean inSpace = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
        if (!inSpace) {
          out.append(' ');
          inSpace = true;
        }
        continue;
      }
      inSpace = false;
      boolean kept =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '('
              || c == ')'
              || c == '['
              || c == ']';
      out.append(kept ? c : '-');
    }
    String cleaned = out.toString().strip();
    return cleaned.isEmpty() ? "document" : cleaned;
  }

  private static void writeInferenceConfig(JsonGenerator g, ChatRequest request)
      throws IOException {
    boolean any =
        request.maxTokens().isPresent()
            || request.temperature().isPresent()
            || request.topP().isPresent()
            || !request.stopSequences().isEmpty();
    if (!any) {
      return;
    }
    WireJson.startObject(g, F_INFERENCE_CONFIG);
    if (request.maxTokens().isPresent()) {
      g.writeNumberField("maxTokens", request.maxTokens().getAsInt());
    }
    if (request.temperature().isPresent()) {
      WireJson.writeNumberField(g, "temperature", request.temperature().getAsDouble());
    }
    if (request.topP().isPresent()) {
      WireJson.writeNumberField(g, "topP", request.topP().getAsDouble());
    }
    if (!request.stopSequences().isEmpty()) {
      WireJson.startArray(g, F_STOP_SEQUENCES);
      for (String s : request.stopSequences()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeToolConfig(JsonGenerator g, PreparedRequest prepared)
      throws IOException {
    List<PreparedTool> tools = prepared.tools();
    ToolChoice choice = prepared.toolChoice();
    boolean none = choice != null && choice.kind() == ToolChoice.Kind.NONE;
    // Converse cannot say "none": withhold the tools, unless the history makes them mandatory.
    if (tools.isEmpty() || (none && !prepared.historyHasToolBlocks())) {
      return;
    }
    g.writeFieldName(F_TOOL_CONFIG);
    TOOL_CONFIGS.write(g, tools, choice, 0);
  }

  /** Whether a tool configuration may be kept: its tools' text of at most 64K chars. */
  static boolean isKeptToolsSize(List<PreparedTool> tools) {
    long chars = 0;
    for (int i = 0; i < tools.size(); i++) {
      PreparedTool tool = tools.get(i);
      chars += tool.name().length() + tool.description().length() + tool.schemaJson().length();
    }
    return chars <= MAX_KEPT_TOOLS_CHARS;
  }

  static final int MAX_KEPT_TOOLS_CHARS = 64 * 1024;

  /** The {@code toolConfig} value ({@code index}, for errors, is not needed: tools are checked). */
  private static void writeToolConfigValue(
      JsonGenerator g, List<PreparedTool> tools, ToolChoice choice, int index) throws IOException {
    boolean none = choice != null && choice.kind() == ToolChoice.Kind.NONE;
    g.writeStartObject();
    WireJson.startArray(g, F_TOOLS);
    for (int i = 0; i < tools.size(); i++) { // indexed: no iterator per request
      PreparedTool tool = tools.get(i);
      g.writeStartObject();
      WireJson.startObject(g, F_TOOL_SPEC);
      JsonText.writeField(g, F_NAME, tool.name());
      if (!tool.description().isEmpty()) {
        JsonText.writeField(g, F_DESCRIPTION, tool.description());
      }
      WireJson.startObject(g, F_INPUT_SCHEMA);
      g.writeFieldName(F_JSON);
      RequestHygiene.writeSchema(g, tool.schemaJson());
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    if (choice != null && !none) {
      WireJson.startObject(g, F_TOOL_CHOICE);
      if (choice.kind() == ToolChoice.Kind.AUTO) {
        WireJson.startObject(g, F_AUTO);
      } else if (choice.kind() == ToolChoice.Kind.ANY) {
        WireJson.startObject(g, F_ANY);
      } else {
        WireJson.startObject(g, F_TOOL);
        JsonText.writeField(g, F_NAME, choice.toolName());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * {@code toolConfig} values written lately, by their prepared tools (the list RequestHygiene
   * hands back for the same {@code Tool} objects) and tool choice: up to 8, of tools of at most
   * {@link #MAX_KEPT_TOOLS_CHARS} chars, each kept as its JSON of at most 128 KB, as a {@code
   * String} and its bytes (about 3 MB at most, besides the tools themselves).
   */
  private static final WrittenValues<List<PreparedTool>, ToolChoice> TOOL_CONFIGS =
      new WrittenValues<>(
          8, 128 * 1024, ConverseCodec::isKeptToolsSize, ConverseCodec::writeToolConfigValue);

  private static String where(int turn) {
    return turn < 0 ? "system" : "turn " + turn;
  }

  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  /**
   * The model family from a Bedrock model id: the provider segment after an optional geo prefix,
   * looking through an ARN's resource path ({@code …/us.anthropic.claude-…}).
   */
  private static Family family(String modelId) {
    Family family = FAMILIES.get(modelId);
    if (family == null) {
      family = familyOf(modelId);
      if (FAMILIES.size() >= MAX_CACHED_FAMILIES) {
        FAMILIES.clear();
      }
      FAMILIES.put(modelId, family);
    }
    return family;
  }

  /** Families by model id: a gateway serves few models, and reading the id is not free. */
  private static final Map<String, Family> FAMILIES = new ConcurrentHashMap<>();

  private static final int MAX_CACHED_FAMILIES = 256;

  private static Family familyOf(String modelId) {
    String id = modelId.substring(modelId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    String[] segments = id.split("\\.");
    if (segments.length < 2) {
      return Family.UNKNOWN;
    }
    String provider =
        GEO_PREFIXES.contains(segments[0]) && segments.length > 2 ? segments[1] : segments[0];
    if (provider.equals("anthropic")) {
      return Family.ANTHROPIC;
    }
    if (provider.equals("amazon")) {
      return Family.AMAZON;
    }
    return OTHER_PROVIDERS.contains(provider) ? Family.OTHER : Family.UNKNOWN;
  }

  // ---- response ----

  private static ContentPart decodeBlock(JsonNode block) {
    if (block == null || !block.isObject() || block.size() == 0) {
      return null;
    }
    JsonNode text = block.get("text");
    if (text != null && text.isTextual()) {
      return new ContentPart.Text(text.asText());
    }
    JsonNode toolUse = block.get("toolUse");
    if (toolUse != null && toolUse.isObject()) {
      return new ContentPart.ToolCall(
          WireJson.textOrEmpty(toolUse, "toolUseId"),
          WireJson.textOrEmpty(toolUse, "name"),
          WireJson.arguments(toolUse.get("input")));
    }
    JsonNode reasoning = block.get("reasoningContent");
    if (reasoning != null && reasoning.isObject()) {
      JsonNode reasoningText = reasoning.get("reasoningText");
      if (reasoningText != null && reasoningText.isObject()) {
        return new ContentPart.Reasoning(
            WireJson.textOrEmpty(reasoningText, "text"), WireJson.text(reasoningText, "signature"));
      }
      String redacted = WireJson.text(reasoning, "redactedContent");
      if (redacted != null) {
        return new ContentPart.RedactedReasoning(redacted);
      }
    }
    // Anything else (citationsContent, guardContent, a reasoning shape not known yet): kept raw.
    Map.Entry<String, JsonNode> first = block.properties().iterator().next();
    return new ContentPart.Unknown(first.getKey(), WireJson.compact(first.getValue()));
  }
}
