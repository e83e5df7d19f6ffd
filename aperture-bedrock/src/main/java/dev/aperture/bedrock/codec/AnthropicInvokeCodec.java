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
import dev.aperture.internal.JsonText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Translates between the canonical chat model and the Anthropic Messages body that Bedrock's
 * InvokeModel takes for Claude models ({@code POST /model/{modelId}/invoke}).
 *
 * <p>The body differs from Anthropic's own API: {@code anthropic_version} is {@value
 * #ANTHROPIC_VERSION}, there is no {@code model} (the path names it) and no {@code stream} (the
 * path decides), betas go in the body as the array {@code anthropic_beta}, and Bedrock refuses any
 * key it does not know. So OpenAI-only options in {@link ChatRequest#extraFields()} are refused
 * rather than passed on; every other extra field is written as a top-level field and wins over a
 * field derived from the canonical settings. {@code max_tokens} is required: when the request has
 * none, the codec's default is used (raised by the reasoning budget, which counts as output).
 *
 * <p>A cache point becomes {@code cache_control} on the block before it. Plain-text documents
 * ({@code txt}, {@code md}, {@code csv}, {@code html}) are sent as Anthropic text sources, PDFs as
 * base64; other document formats have no Anthropic form and are refused.
 *
 * <p>Stateless and thread-safe.
 */
public final class AnthropicInvokeCodec {
  /** The {@code anthropic_version} Bedrock requires. */
  public static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";

  /** {@code max_tokens} for requests that give none, unless the constructor says otherwise. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private final int defaultMaxTokens;

  /** A codec that sends {@value #DEFAULT_MAX_TOKENS} as {@code max_tokens} when none is given. */
  public AnthropicInvokeCodec() {
    this(DEFAULT_MAX_TOKENS);
  }

  /** A codec that sends {@code defaultMaxTokens} as {@code max_tokens} when none is given. */
  public AnthropicInvokeCodec(int defaultMaxTokens) {
    if (defaultMaxTokens <= 0) {
      throw new IllegalArgumentException("defaultMaxTokens must be positive: " + defaultMaxTokens);
    }
    this.defaultMaxTokens = defaultMaxTokens;
  }

  /**
   * Encodes {@code request} as an InvokeModel body for an Anthropic Claude model.
   *
   * @throws BedrockRequestException if the request cannot be expressed or would be refused
   */
  public byte[] encodeRequest(ChatRequest request) {
    return WireJson.write(body(request));
  }

  /**
   * Encodes {@code request} as an InvokeModel body into {@code out} (left open). After a {@link
   * BedrockRequestException} {@code out} may hold part of a body: write into a buffer of your own
   * and drop it then.
   *
   * @throws BedrockRequestException if the request cannot be expressed or would be refused
   * @throws IOException if {@code out} fails
   */
  public void encodeRequest(ChatRequest request, OutputStream out) throws IOException {
    WireJson.writeTo(body(request), out);
  }

  /** The body writer for {@code request}, prepared (most checks done); nothing written yet. */
  private WireJson.Body body(ChatRequest request) {
    PreparedRequest prepared = RequestHygiene.prepare(request);
    Map<String, String> extras = prepared.extraFields();
    RequestHygiene.refuseFieldsAnthropicRejects(extras, "Anthropic body");
    if (extras.containsKey("messages")) {
      throw new BedrockRequestException(
          "extraFields['messages'] would replace the conversation; send it as messages instead");
    }
    int budget = prepared.reasoningBudgetTokens();
    int maxTokens = request.maxTokens().orElse(defaultMaxTokens);
    if (request.maxTokens().isEmpty() && budget >= maxTokens) {
      maxTokens = budget + defaultMaxTokens;
    }
    int finalMaxTokens = maxTokens;
    return g -> {
      g.writeStartObject();
      if (!extras.containsKey("anthropic_version")) {
        g.writeStringField("anthropic_version", ANTHROPIC_VERSION);
      }
      if (!extras.containsKey("max_tokens")) {
        g.writeNumberField("max_tokens", finalMaxTokens);
      }
      if (!extras.containsKey("system")) {
        writeSystem(g, prepared.system());
      }
      writeMessages(g, prepared.turns());
      if (!extras.containsKey("tools")) {
        writeTools(g, prepared.tools());
      }
      if (!extras.containsKey("tool_choice")) {
        writeToolChoice(g, prepared);
      }
      if (request.temperature().isPresent() && !extras.containsKey("temperature")) {
        WireJson.writeNumberField(g, "temperature", request.temperature().getAsDouble());
      }
      if (request.topP().isPresent() && !extras.containsKey("top_p")) {
        WireJson.writeNumberField(g, "top_p", request.topP().getAsDouble());
      }
      if (request.topK().isPresent() && !extras.containsKey("top_k")) {
        g.writeNumberField("top_k", request.topK().getAsInt());
      }
      if (!request.stopSequences().isEmpty() && !extras.containsKey("stop_sequences")) {
        g.writeArrayFieldStart("stop_sequences");
        for (String s : request.stopSequences()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (budget > 0 && !extras.containsKey("thinking")) {
        g.writeObjectFieldStart("thinking");
        g.writeStringField("type", "enabled");
        g.writeNumberField("budget_tokens", budget);
        g.writeEndObject();
      }
      String userId = request.metadata().get("user_id");
      if (userId != null && !extras.containsKey("metadata")) {
        g.writeObjectFieldStart("metadata");
        g.writeStringField("user_id", userId);
        g.writeEndObject();
      }
      for (Map.Entry<String, String> e : extras.entrySet()) {
        g.writeFieldName(e.getKey());
        g.writeRawValue(e.getValue());
      }
      g.writeEndObject();
    };
  }

  /**
   * Decodes an InvokeModel answer of a Claude model. {@code model} and {@code provider} are
   * recorded on the response as given. Unknown content blocks are kept as {@link
   * ContentPart.Unknown} holding the whole block.
   *
   * @throws BedrockResponseException if the body is not JSON, is an error, or has no content
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
   * The streaming reader: the answer, or null when it is not a plain answer (an error, no {@code
   * content} array, not an object), which the tree reader then refuses with its message.
   */
  private static ChatResponse readResponse(
      JsonParser p, WireJson.Input body, String model, String provider) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    List<ContentPart> content = null;
    String type = null;
    String id = null;
    String rawStop = null;
    String stopSequence = null;
    Usage usage = Usage.ZERO;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "content":
          if (value == JsonToken.START_ARRAY) {
            content = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken() == JsonToken.START_OBJECT) {
                content.add(readBlock(p, body));
              } else {
                p.skipChildren();
              }
            }
          } else {
            content = null;
            p.skipChildren();
          }
          break;
        case "type":
          type = WireJson.stringOrNull(p);
          p.skipChildren();
          break;
        case "id":
          id = WireJson.stringOrNull(p);
          p.skipChildren();
          break;
        case "stop_reason":
          rawStop = WireJson.stringOrNull(p);
          p.skipChildren();
          break;
        case "stop_sequence":
          stopSequence = WireJson.stringOrNull(p);
          p.skipChildren();
          break;
        case "usage":
          usage = readUsage(p);
          break;
        default:
          p.skipChildren();
      }
    }
    if (content == null || "error".equals(type)) {
      return null;
    }
    ImmutableChatResponse.Builder response =
        ChatResponse.builder()
            .id(id != null && !id.isEmpty() ? id : WireJson.generatedMessageId())
            .model(model)
            .provider(provider)
            .content(content)
            .stopReason(StopReason.fromWire(rawStop))
            .usage(usage);
    if (rawStop != null) {
      response.rawStopReason(rawStop);
    }
    if (stopSequence != null) {
      response.stopSequence(stopSequence);
    }
    return response.build();
  }

  /** One content block, the parser at its start. */
  private static ContentPart readBlock(JsonParser p, WireJson.Input body) throws IOException {
    long start = p.currentTokenLocation().getByteOffset();
    String type = null;
    String text = null;
    String id = null;
    String name = null;
    String input = null;
    String thinking = null;
    String signature = null;
    String data = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type":
          type = WireJson.stringOrNull(p);
          break;
        case "text":
          text = WireJson.stringOrNull(p);
          break;
        case "id":
          id = WireJson.stringOrNull(p);
          break;
        case "name":
          name = WireJson.stringOrNull(p);
          break;
        case "input":
          input = value == JsonToken.VALUE_NULL ? null : WireJson.compactValue(p);
          break;
        case "thinking":
          thinking = WireJson.stringOrNull(p);
          break;
        case "signature":
          signature = WireJson.stringOrNull(p);
          break;
        case "data":
          data = WireJson.stringOrNull(p);
          break;
        default:
          break;
      }
      p.skipChildren();
    }
    if (type != null) {
      switch (type) {
        case "text":
          return new ContentPart.Text(orEmpty(text));
        case "tool_use":
          return new ContentPart.ToolCall(orEmpty(id), orEmpty(name), input == null ? "{}" : input);
        case "thinking":
          return new ContentPart.Reasoning(orEmpty(thinking), signature);
        case "redacted_thinking":
          return new ContentPart.RedactedReasoning(orEmpty(data));
        default:
          break;
      }
    }
    // Anything else is kept whole, as the tree reader keeps it.
    try (JsonParser blockParser = body.parserFrom(start)) {
      return decodeBlock(WireJson.MAPPER.readTree(blockParser));
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Usage readUsage(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return Usage.ZERO;
    }
    long input = 0;
    long output = 0;
    long cacheRead = 0;
    long write5m = 0;
    long split5m = 0;
    long split1h = 0;
    boolean split = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "input_tokens":
          input = WireJson.count(p);
          break;
        case "output_tokens":
          output = WireJson.count(p);
          break;
        case "cache_read_input_tokens":
          cacheRead = WireJson.count(p);
          break;
        case "cache_creation_input_tokens":
          write5m = WireJson.count(p);
          break;
        case "cache_creation":
          // A repeated key counts with its last value, as in a tree.
          split = value == JsonToken.START_OBJECT;
          split5m = 0;
          split1h = 0;
          if (split) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String lifetime = p.currentName();
              p.nextToken();
              if (lifetime.equals("ephemeral_5m_input_tokens")) {
                split5m = WireJson.count(p);
              } else if (lifetime.equals("ephemeral_1h_input_tokens")) {
                split1h = WireJson.count(p);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
      }
    }
    return usage(input, output, cacheRead, split ? split5m : write5m, split ? split1h : 0);
  }

  /** The tree reader: the reference for every case the streaming reader hands over. */
  private static ChatResponse decodeTree(WireJson.Input body, String model, String provider) {
    JsonNode root = WireJson.readResponse(body, "Bedrock InvokeModel (Anthropic)");
    if ("error".equals(WireJson.text(root, "type"))) {
      JsonNode error = root.path("error");
      throw new BedrockResponseException(
          "Bedrock InvokeModel (Anthropic) answered with an error: "
              + WireJson.text(error, "type")
              + ": "
              + ConverseCodec.abbreviate(String.valueOf(WireJson.text(error, "message"))));
    }
    JsonNode blocks = root.get("content");
    if (blocks == null || !blocks.isArray()) {
      throw new BedrockResponseException(
          "Bedrock InvokeModel (Anthropic) answered without a 'content' array");
    }
    List<ContentPart> content = new ArrayList<>(blocks.size());
    for (JsonNode block : blocks) {
      if (block.isObject()) {
        content.add(decodeBlock(block));
      }
    }
    String id = WireJson.text(root, "id");
    String rawStop = WireJson.text(root, "stop_reason");
    ImmutableChatResponse.Builder response =
        ChatResponse.builder()
            .id(id != null && !id.isEmpty() ? id : WireJson.generatedMessageId())
            .model(model)
            .provider(provider)
            .content(content)
            .stopReason(StopReason.fromWire(rawStop))
            .usage(usage(root.get("usage")));
    if (rawStop != null) {
      response.rawStopReason(rawStop);
    }
    String stopSequence = WireJson.text(root, "stop_sequence");
    if (stopSequence != null) {
      response.stopSequence(stopSequence);
    }
    return response.build();
  }

  /**
   * Anthropic's usage: {@code input_tokens} already excludes cache reads and writes. Cache writes
   * are split by lifetime when {@code cache_creation} says how; otherwise they count as 5-minute
   * writes, the default lifetime.
   */
  static Usage usage(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return Usage.ZERO;
    }
    long write5m = WireJson.count(usage, "cache_creation_input_tokens");
    long write1h = 0;
    JsonNode split = usage.get("cache_creation");
    if (split != null && split.isObject()) {
      write5m = WireJson.count(split, "ephemeral_5m_input_tokens");
      write1h = WireJson.count(split, "ephemeral_1h_input_tokens");
    }
    return usage(
        WireJson.count(usage, "input_tokens"),
        WireJson.count(usage, "output_tokens"),
        WireJson.count(usage, "cache_read_input_tokens"),
        write5m,
        write1h);
  }

  private static Usage usage(long input, long output, long cacheRead, long write5m, long write1h) {
    return Usage.builder()
        .inputTokens(input)
        .outputTokens(output)
        .cacheReadTokens(cacheRead)
        .cacheWrite5mTokens(write5m)
        .cacheWrite1hTokens(write1h)
        .build();
  }

  // ---- request ----

  // Field names and values written on every call, encoded once.
  private static final SerializedString F_CACHE_CONTROL = new SerializedString("cache_control");
  private static final SerializedString F_CONTENT = new SerializedString("content");
  private static final SerializedString F_DATA = new SerializedString("data");
  private static final SerializedString F_DESCRIPTION = new SerializedString("description");
  private static final SerializedString F_ID = new SerializedString("id");
  private static final SerializedString F_INPUT = new SerializedString("input");
  private static final SerializedString F_INPUT_SCHEMA = new SerializedString("input_schema");
  private static final SerializedString F_MEDIA_TYPE = new SerializedString("media_type");
  private static final SerializedString F_MESSAGES = new SerializedString("messages");
  private static final SerializedString F_NAME = new SerializedString("name");
  private static final SerializedString F_ROLE = new SerializedString("role");
  private static final SerializedString F_SIGNATURE = new SerializedString("signature");
  private static final SerializedString F_SOURCE = new SerializedString("source");
  private static final SerializedString F_SYSTEM = new SerializedString("system");
  private static final SerializedString F_TEXT = new SerializedString("text");
  private static final SerializedString F_THINKING = new SerializedString("thinking");
  private static final SerializedString F_TITLE = new SerializedString("title");
  private static final SerializedString F_TOOL_USE_ID = new SerializedString("tool_use_id");
  private static final SerializedString F_TOOLS = new SerializedString("tools");
  private static final SerializedString F_TYPE = new SerializedString("type");
  private static final SerializedString F_URL = new SerializedString("url");
  private static final SerializedString V_ASSISTANT = new SerializedString("assistant");
  private static final SerializedString V_BASE64 = new SerializedString("base64");
  private static final SerializedString V_DOCUMENT = new SerializedString("document");
  private static final SerializedString V_EPHEMERAL = new SerializedString("ephemeral");
  private static final SerializedString V_IMAGE = new SerializedString("image");
  private static final SerializedString V_REDACTED_THINKING =
      new SerializedString("redacted_thinking");
  private static final SerializedString V_TEXT = new SerializedString("text");
  private static final SerializedString V_THINKING = new SerializedString("thinking");
  private static final SerializedString V_TOOL_RESULT = new SerializedString("tool_result");
  private static final SerializedString V_TOOL_USE = new SerializedString("tool_use");
  private static final SerializedString V_URL = new SerializedString("url");
  private static final SerializedString V_USER = new SerializedString("user");

  /** {@code "type": type}. */
  private static void writeType(JsonGenerator g, SerializedString type) throws IOException {
    g.writeFieldName(F_TYPE);
    g.writeString(type);
  }

  private static void writeSystem(JsonGenerator g, List<ContentPart> system) throws IOException {
    if (system.isEmpty()) {
      return;
    }
    if (system.size() == 1 && system.get(0) instanceof ContentPart.Text t) {
      JsonText.writeField(g, F_SYSTEM, t.text());
      return;
    }
    g.writeFieldName(F_SYSTEM);
    writeBlocks(g, system, "system");
  }

  private static void writeMessages(JsonGenerator g, List<Turn> turns) throws IOException {
    WireJson.startArray(g, F_MESSAGES);
    for (int t = 0; t < turns.size(); t++) {
      Turn turn = turns.get(t);
      g.writeStartObject();
      g.writeFieldName(F_ROLE);
      g.writeString(turn.isUser() ? V_USER : V_ASSISTANT);
      g.writeFieldName(F_CONTENT);
      writeBlocks(g, turn.parts(), "turn " + t);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** Writes the parts as an array of blocks; a cache point marks the block before it. */
  private static void writeBlocks(JsonGenerator g, List<ContentPart> parts, String where)
      throws IOException {
    g.writeStartArray();
    for (int i = 0; i < parts.size(); i++) {
      ContentPart part = parts.get(i);
      if (part instanceof ContentPart.CachePoint) {
        continue; // written as cache_control of the block before it
      }
      ContentPart next = i + 1 < parts.size() ? parts.get(i + 1) : null;
      ContentPart.CachePoint cachePoint = next instanceof ContentPart.CachePoint c ? c : null;
      if (cachePoint != null
          && (part instanceof ContentPart.Reasoning
              || part instanceof ContentPart.RedactedReasoning)) {
        throw new BedrockRequestException(
            where + ": a cache point cannot follow a reasoning block; Anthropic cannot cache it");
      }
      writeBlock(g, part, cachePoint, where);
    }
    g.writeEndArray();
  }

  private static void writeBlock(
      JsonGenerator g, ContentPart part, ContentPart.CachePoint cachePoint, String where)
      throws IOException {
    if (part instanceof ContentPart.Unknown unknown) {
      writeUnknown(g, unknown, cachePoint, where);
      return;
    }
    g.writeStartObject();
    if (part instanceof ContentPart.Text t) {
      writeType(g, V_TEXT);
      JsonText.writeField(g, F_TEXT, t.text());
    } else if (part instanceof ContentPart.Image image) {
      writeType(g, V_IMAGE);
      WireJson.startObject(g, F_SOURCE);
      if (image.isInline()) {
        writeType(g, V_BASE64);
        JsonText.writeField(g, F_MEDIA_TYPE, image.mediaType());
        JsonText.writeField(g, F_DATA, image.base64Data());
      } else {
        writeType(g, V_URL);
        JsonText.writeField(g, F_URL, image.url());
      }
      g.writeEndObject();
    } else if (part instanceof ContentPart.Document document) {
      writeDocument(g, document, where);
    } else if (part instanceof ContentPart.ToolCall call) {
      writeType(g, V_TOOL_USE);
      JsonText.writeField(g, F_ID, call.id());
      JsonText.writeField(g, F_NAME, call.name());
      g.writeFieldName(F_INPUT);
      g.writeRawValue(call.argumentsJson());
    } else if (part instanceof ContentPart.ToolResult result) {
      writeType(g, V_TOOL_RESULT);
      JsonText.writeField(g, F_TOOL_USE_ID, result.toolCallId());
      if (!result.content().isEmpty()) {
        g.writeFieldName(F_CONTENT);
        writeBlocks(g, result.content(), where);
      }
      if (result.isError()) {
        g.writeBooleanField("is_error", true);
      }
    } else if (part instanceof ContentPart.Reasoning reasoning) {
      writeType(g, V_THINKING);
      JsonText.writeField(g, F_THINKING, reasoning.text());
      if (reasoning.signature() != null) {
        JsonText.writeField(g, F_SIGNATURE, reasoning.signature());
      }
    } else if (part instanceof ContentPart.RedactedReasoning redacted) {
      writeType(g, V_REDACTED_THINKING);
      JsonText.writeField(g, F_DATA, redacted.data());
    }
    writeCacheControl(g, cachePoint);
    g.writeEndObject();
  }

  private static void writeCacheControl(JsonGenerator g, ContentPart.CachePoint cachePoint)
      throws IOException {
    if (cachePoint == null) {
      return;
    }
    WireJson.startObject(g, F_CACHE_CONTROL);
    writeType(g, V_EPHEMERAL);
    if (cachePoint.ttl() != null) {
      g.writeStringField("ttl", cachePoint.ttl());
    }
    g.writeEndObject();
  }

  private static void writeDocument(JsonGenerator g, ContentPart.Document document, String where)
      throws IOException {
    writeType(g, V_DOCUMENT);
    WireJson.startObject(g, F_SOURCE);
    String format = document.format().toLowerCase(Locale.ROOT);
    switch (format) {
      case "pdf":
        writeType(g, V_BASE64);
        g.writeStringField("media_type", "application/pdf");
        JsonText.writeField(g, F_DATA, document.base64Data());
        break;
      case "txt":
      case "md":
      case "csv":
      case "html":
        writeType(g, V_TEXT);
        g.writeStringField("media_type", "text/plain");
        JsonText.writeField(g, F_DATA, decodeText(document, where));
        break;
      default:
        throw new BedrockRequestException(
            where
                + ": Anthropic models take pdf and plain-text documents, not '"
                + document.format()
                + "' (document '"
                + document.name()
                + "')");
    }
    g.writeEndObject();
    if (!document.name().isBlank()) {
      JsonText.writeField(g, F_TITLE, document.name());
    }
  }

  private static String decodeText(ContentPart.Document document, String where) {
    try {
      byte[] bytes = Base64.getMimeDecoder().decode(document.base64Data());
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new BedrockRequestException(
          where + ": document '" + document.name() + "' is not base64-encoded UTF-8 text", e);
    }
  }

  /**
   * An unknown part is an Anthropic block kept raw: an object, written with its {@code type} (added
   * from the part's type when the JSON has none).
   */
  private static void writeUnknown(
      JsonGenerator g, ContentPart.Unknown unknown, ContentPart.CachePoint cachePoint, String where)
      throws IOException {
    // Hygiene left compact, valid JSON without duplicate keys: streamed, no tree needed.
    String json = unknown.json();
    if (json.charAt(0) != '{') {
      throw new BedrockRequestException(
          where + ": the '" + unknown.type() + "' block must be a JSON object for Anthropic");
    }
    g.writeStartObject();
    if (!hasTopLevelField(json, "type")) {
      g.writeStringField("type", unknown.type());
    }
    try (JsonParser p = WireJson.FACTORY.createParser(json)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (cachePoint != null && name.equals("cache_control")) {
          p.skipChildren();
          continue;
        }
        g.writeFieldName(name);
        g.copyCurrentStructure(p);
      }
    }
    writeCacheControl(g, cachePoint);
    g.writeEndObject();
  }

  private static boolean hasTopLevelField(String objectJson, String field) throws IOException {
    try (JsonParser p = WireJson.FACTORY.createParser(objectJson)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        if (p.currentName().equals(field)) {
          return true;
        }
        p.nextToken();
        p.skipChildren();
      }
      return false;
    }
  }

  private static void writeTools(JsonGenerator g, List<PreparedTool> tools) throws IOException {
    if (tools.isEmpty()) {
      return;
    }
    WireJson.startArray(g, F_TOOLS);
    for (PreparedTool tool : tools) {
      g.writeStartObject();
      JsonText.writeField(g, F_NAME, tool.name());
      if (!tool.description().isEmpty()) {
        JsonText.writeField(g, F_DESCRIPTION, tool.description());
      }
      g.writeFieldName(F_INPUT_SCHEMA);
      RequestHygiene.writeSchema(g, tool.schemaJson());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeToolChoice(JsonGenerator g, PreparedRequest prepared)
      throws IOException {
    if (prepared.tools().isEmpty()) {
      return;
    }
    ChatRequest request = prepared.source();
    ToolChoice choice = prepared.toolChoice();
    boolean serial = request.parallelToolCalls().map(p -> !p).orElse(false);
    if (choice == null && !serial) {
      return;
    }
    ToolChoice.Kind kind = choice == null ? ToolChoice.Kind.AUTO : choice.kind();
    g.writeObjectFieldStart("tool_choice");
    g.writeStringField("type", kind.name().toLowerCase(Locale.ROOT));
    if (kind == ToolChoice.Kind.TOOL) {
      g.writeStringField("name", choice.toolName());
    }
    if (serial && kind != ToolChoice.Kind.NONE) {
      g.writeBooleanField("disable_parallel_tool_use", true);
    }
    g.writeEndObject();
  }

  // ---- response ----

  private static ContentPart decodeBlock(JsonNode block) {
    String type = WireJson.text(block, "type");
    if (type == null) {
      return new ContentPart.Unknown("", WireJson.compact(block));
    }
    switch (type) {
      case "text":
        return new ContentPart.Text(WireJson.textOrEmpty(block, "text"));
      case "tool_use":
        return new ContentPart.ToolCall(
            WireJson.textOrEmpty(block, "id"),
            WireJson.textOrEmpty(block, "name"),
            WireJson.arguments(block.get("input")));
      case "thinking":
        return new ContentPart.Reasoning(
            WireJson.textOrEmpty(block, "thinking"), WireJson.text(block, "signature"));
      case "redacted_thinking":
        return new ContentPart.RedactedReasoning(WireJson.textOrEmpty(block, "data"));
      default:
        return new ContentPart.Unknown(type, WireJson.compact(block));
    }
  }
}
