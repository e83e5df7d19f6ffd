package dev.aperture.openai;

import static dev.aperture.openai.OpenAiRequestException.INVALID_JSON;
import static dev.aperture.openai.OpenAiRequestException.INVALID_TYPE;
import static dev.aperture.openai.OpenAiRequestException.INVALID_VALUE;
import static dev.aperture.openai.OpenAiRequestException.MISSING;
import static dev.aperture.openai.OpenAiRequestException.UNKNOWN_PARAMETER;
import static dev.aperture.openai.OpenAiRequestException.UNSUPPORTED_PARAMETER;
import static dev.aperture.openai.OpenAiRequestException.UNSUPPORTED_VALUE;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenAI chat-completions request body into the canonical model. Every field is either
 * mapped, accepted because its value is a no-op ({@code n: 1}, {@code store: false}, …), or refused
 * with an {@link OpenAiRequestException} naming its path; nothing is dropped silently. Stateless
 * and thread-safe.
 *
 * <p>Two readers share the work: {@link StreamingRequestDecoder} reads valid bodies token by token
 * (the fast path, which only ever accepts), and the tree walker here, the reference, reads the
 * bodies the fast path declines: it returns the same request for the rare valid ones and throws the
 * error for refused ones, so every refusal reads as it always has.
 */
final class RequestDecoder {
  private static final Set<String> TOP_LEVEL_FIELDS =
      Set.of(
          "model",
          "messages",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_tokens",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "stop",
          "stream",
          "stream_options",
          "user",
          "reasoning_effort",
          "metadata",
          // accepted only with a value that changes nothing, refused otherwise
          "n",
          "logprobs",
          "top_logprobs",
          "logit_bias",
          "response_format",
          "audio",
          "modalities",
          "prediction",
          "seed",
          "store",
          "service_tier",
          "frequency_penalty",
          "presence_penalty",
          // deprecated predecessors of tools and tool_choice
          "functions",
          "function_call");

  private static final Set<String> SYSTEM_FIELDS = Set.of("role", "content", "name");
  private static final Set<String> USER_FIELDS = Set.of("role", "content", "name");
  private static final Set<String> ASSISTANT_FIELDS =
      Set.of(
          "role",
          "content",
          "name",
          "tool_calls",
          "reasoning_content",
          "refusal",
          "audio",
          "function_call",
          "annotations");
  private static final Set<String> TOOL_MESSAGE_FIELDS = Set.of("role", "content", "tool_call_id");
  private static final Set<String> TEXT_PART_FIELDS = Set.of("type", "text");
  private static final Set<String> IMAGE_PART_FIELDS = Set.of("type", "image_url");
  private static final Set<String> IMAGE_URL_FIELDS = Set.of("url", "detail");
  private static final Set<String> FILE_PART_FIELDS = Set.of("type", "file");
  private static final Set<String> FILE_FIELDS = Set.of("file_data", "file_id", "filename");
  private static final Set<String> TOOL_CALL_FIELDS = Set.of("id", "type", "function");
  private static final Set<String> TOOL_CALL_FUNCTION_FIELDS = Set.of("name", "arguments");
  private static final Set<String> TOOL_FIELDS = Set.of("type", "function");
  private static final Set<String> FUNCTION_FIELDS =
      Set.of("name", "description", "parameters", "strict");
  private static final Set<String> NAMED_CHOICE_FIELDS = Set.of("type", "function");
  private static final Set<String> NAMED_CHOICE_FUNCTION_FIELDS = Set.of("name");
  private static final Set<String> STREAM_OPTIONS_FIELDS =
      Set.of("include_usage", "include_obfuscation");
  private static final Set<String> REASONING_EFFORTS = Set.of("minimal", "low", "medium", "high");
  private static final Set<String> IMAGE_DETAILS = Set.of("auto", "low", "high");

  /** The name a file part gets when the client sent no {@code filename}. */
  static final String DEFAULT_DOCUMENT_NAME = "document";

  private final ObjectMapper mapper;
  private final StreamingRequestDecoder streaming;

  RequestDecoder(ObjectMapper mapper) {
    this(mapper, true);
  }

  /** {@code remember}: whether recently decoded tools arrays, messages and schemas are kept. */
  RequestDecoder(ObjectMapper mapper, boolean remember) {
    this.mapper = mapper;
    this.streaming = new StreamingRequestDecoder(mapper.getFactory(), remember);
  }

  /**
   * Decodes with the streaming parser; when that declines (the body is refused, or has a shape the
   * fast path leaves to the tree walker), decodes again with the tree walker, which then returns
   * the same request or throws the error that names the offending field.
   */
  OpenAiChatRequest decode(byte[] json) {
    OpenAiChatRequest fast = streaming.decode(json);
    return fast != null ? fast : decodeTree(json);
  }

  /** The streaming fast path alone: the decoded request, or null where it declines. */
  OpenAiChatRequest decodeStreaming(byte[] json) {
    return streaming.decode(json);
  }

  /**
   * The reference decoder: reads the body into a JSON tree and walks it. Every refusal comes from
   * here, so its order of checks decides which error a body with several problems gets.
   */
  OpenAiChatRequest decodeTree(byte[] json) {
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (JacksonException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new OpenAiRequestException(null, INVALID_JSON, "the request body could not be read", e);
    }
    if (root == null || root.isMissingNode()) {
      throw new OpenAiRequestException(null, INVALID_JSON, "the request body is empty");
    }
    if (!root.isObject()) {
      throw new OpenAiRequestException(
          null, INVALID_TYPE, "the request body must be a JSON object, not " + kind(root));
    }
    return decodeBody((ObjectNode) root);
  }

  private static OpenAiRequestException malformed(JacksonException e) {
    StringBuilder detail = new StringBuilder("the request body is not valid JSON: ");
    detail.append(e.getOriginalMessage());
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      detail.append(" (line ").append(at.getLineNr()).append(", column ");
      detail.append(at.getColumnNr()).append(')');
    }
    return new OpenAiRequestException(null, INVALID_JSON, detail.toString(), e);
  }

  private OpenAiChatRequest decodeBody(ObjectNode body) {
    rejectUnknownFields(body, "", TOP_LEVEL_FIELDS, "parameter");
    rejectOptionsThatCannotBeHonoured(body);

    ImmutableChatRequest.Builder r = ChatRequest.builder().inboundFormat(ApiFormat.OPENAI_CHAT);
    String model = requiredString(body, "model", "");
    if (model.isBlank()) {
      throw new OpenAiRequestException("model", INVALID_VALUE, "must not be empty");
    }
    r.model(model);
    r.messages(messages(required(body, "messages", ""), "messages"));

    List<Tool> tools = tools(body);
    r.tools(tools);
    JsonNode toolChoice = value(body, "tool_choice");
    if (toolChoice != null) {
      r.toolChoice(toolChoice(toolChoice, tools));
    }
    JsonNode parallel = value(body, "parallel_tool_calls");
    if (parallel != null) {
      r.parallelToolCalls(bool(parallel, "parallel_tool_calls"));
    }

    // max_completion_tokens replaced max_tokens; when a client sends both, the newer one counts.
    JsonNode maxTokens = value(body, "max_completion_tokens");
    String maxTokensPath = "max_completion_tokens";
    if (maxTokens == null) {
      maxTokens = value(body, "max_tokens");
      maxTokensPath = "max_tokens";
    } else if (value(body, "max_tokens") != null) {
      positiveInt(value(body, "max_tokens"), "max_tokens");
    }
    if (maxTokens != null) {
      r.maxTokens(positiveInt(maxTokens, maxTokensPath));
    }

    JsonNode temperature = value(body, "temperature");
    if (temperature != null) {
      r.temperature(numberBetween(temperature, "temperature", 0, 2));
    }
    JsonNode topP = value(body, "top_p");
    if (topP != null) {
      r.topP(numberBetween(topP, "top_p", 0, 1));
    }
    r.stopSequences(stopSequences(value(body, "stop")));

    JsonNode effort = value(body, "reasoning_effort");
    if (effort != null) {
      String e = string(effort, "reasoning_effort");
      if (!REASONING_EFFORTS.contains(e)) {
        throw new OpenAiRequestException(
            "reasoning_effort",
            INVALID_VALUE,
            "must be minimal, low, medium or high, not '" + e + "'");
      }
      r.reasoningEffort(e);
    }
    r.metadata(metadata(body));

    JsonNode streamNode = value(body, "stream");
    boolean stream = streamNode != null && bool(streamNode, "stream");
    boolean includeUsage = false;
    JsonNode streamOptions = value(body, "stream_options");
    if (streamOptions != null) {
      if (!stream) {
        throw new OpenAiRequestException(
            "stream_options", INVALID_VALUE, "is only allowed when stream is true");
      }
      ObjectNode options = object(streamOptions, "stream_options");
      rejectUnknownFields(options, "stream_options", STREAM_OPTIONS_FIELDS, "field");
      JsonNode usage = value(options, "include_usage");
      includeUsage = usage != null && bool(usage, "stream_options.include_usage");
      // include_obfuscation pads chunks against side channels; there is nothing to pad here.
      JsonNode obfuscation = value(options, "include_obfuscation");
      if (obfuscation != null) {
        bool(obfuscation, "stream_options.include_obfuscation");
      }
    }
    try {
      return new OpenAiChatRequest(r.build(), stream, includeUsage);
    } catch (IllegalStateException e) {
      throw new OpenAiRequestException(null, INVALID_VALUE, e.getMessage(), e);
    }
  }

  /**
   * Refuses options the canonical model cannot carry, unless their value is the one that changes
   * nothing. Accepting such an option and then ignoring it would give the client an answer that
   * silently differs from what it asked for.
   */
  private static void rejectOptionsThatCannotBeHonoured(ObjectNode body) {
    for (String legacy : List.of("functions", "function_call")) {
      if (value(body, legacy) != null) {
        throw new OpenAiRequestException(
            legacy,
            UNSUPPORTED_PARAMETER,
            "the deprecated functions API is not supported; use tools and tool_choice");
      }
    }
    JsonNode n = value(body, "n");
    if (n != null && !(n.isIntegralNumber() && n.asLong() == 1)) {
      throw new OpenAiRequestException(
          "n", UNSUPPORTED_VALUE, "only one choice per request is supported (n = 1)");
    }
    JsonNode logprobs = value(body, "logprobs");
    if (logprobs != null && !(logprobs.isBoolean() && !logprobs.booleanValue())) {
      throw new OpenAiRequestException(
          "logprobs", UNSUPPORTED_PARAMETER, "log probabilities are not supported");
    }
    JsonNode topLogprobs = value(body, "top_logprobs");
    if (topLogprobs != null && !(topLogprobs.isIntegralNumber() && topLogprobs.asLong() == 0)) {
      throw new OpenAiRequestException(
          "top_logprobs", UNSUPPORTED_PARAMETER, "log probabilities are not supported");
    }
    JsonNode logitBias = value(body, "logit_bias");
    if (logitBias != null && !(logitBias.isObject() && logitBias.isEmpty())) {
      throw new OpenAiRequestException(
          "logit_bias", UNSUPPORTED_PARAMETER, "token biases are not supported");
    }
    JsonNode format = value(body, "response_format");
    if (format != null) {
      JsonNode type = format.isObject() ? format.get("type") : null;
      if (type == null || !type.isTextual()) {
        throw new OpenAiRequestException(
            "response_format", INVALID_TYPE, "must be an object with a string field 'type'");
      }
      if (!type.textValue().equals("text")) {
        throw new OpenAiRequestException(
            "response_format.type",
            UNSUPPORTED_VALUE,
            "only {\"type\": \"text\"} is supported; structured output ('"
                + type.textValue()
                + "') is not supported yet");
      }
      rejectUnknownFields((ObjectNode) format, "response_format", Set.of("type"), "field");
    }
    refuseAnyValue(body, "audio", "audio output is not supported");
    JsonNode modalities = value(body, "modalities");
    if (modalities != null
        && !(modalities.isArray()
            && modalities.size() == 1
            && "text".equals(modalities.get(0).textValue()))) {
      throw new OpenAiRequestException(
          "modalities", UNSUPPORTED_VALUE, "only [\"text\"] output is supported");
    }
    refuseAnyValue(body, "prediction", "predicted outputs are not supported");
    refuseAnyValue(body, "seed", "seeded sampling is not supported");
    JsonNode store = value(body, "store");
    if (store != null && !(store.isBoolean() && !store.booleanValue())) {
      throw new OpenAiRequestException(
          "store", UNSUPPORTED_VALUE, "stored completions are not supported (store must be false)");
    }
    JsonNode tier = value(body, "service_tier");
    if (tier != null && !("auto".equals(tier.textValue()) || "default".equals(tier.textValue()))) {
      throw new OpenAiRequestException(
          "service_tier", UNSUPPORTED_VALUE, "only 'auto' and 'default' are supported");
    }
    for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
      JsonNode p = value(body, penalty);
      if (p != null && !(p.isNumber() && p.doubleValue() == 0)) {
        throw new OpenAiRequestException(
            penalty, UNSUPPORTED_PARAMETER, "repetition penalties are not supported (use 0)");
      }
    }
  }

  private static void refuseAnyValue(ObjectNode body, String field, String why) {
    if (value(body, field) != null) {
      throw new OpenAiRequestException(field, UNSUPPORTED_PARAMETER, why);
    }
  }

  // --- messages ---

  private List<Message> messages(JsonNode node, String path) {
    if (!node.isArray()) {
      throw invalidType(path, "an array of messages", node);
    }
    if (node.isEmpty()) {
      throw new OpenAiRequestException(path, INVALID_VALUE, "must contain at least one message");
    }
    List<Message> messages = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      messages.add(message(node.get(i), path + "[" + i + "]"));
    }
    return messages;
  }

  private Message message(JsonNode node, String path) {
    ObjectNode m = object(node, path);
    String role = requiredString(m, "role", path);
    switch (role) {
      case "system":
      case "developer":
        rejectUnknownFields(m, path, SYSTEM_FIELDS, "field");
        refuseName(m, path);
        return new Message(
            Role.SYSTEM, textContent(required(m, "content", path), path + ".content"));
      case "user":
        rejectUnknownFields(m, path, USER_FIELDS, "field");
        refuseName(m, path);
        return new Message(Role.USER, userContent(required(m, "content", path), path + ".content"));
      case "assistant":
        return assistantMessage(m, path);
      case "tool":
        rejectUnknownFields(m, path, TOOL_MESSAGE_FIELDS, "field");
        String toolCallId = requiredNonEmptyString(m, "tool_call_id", path);
        List<ContentPart> result = textContent(required(m, "content", path), path + ".content");
        return new Message(
            Role.TOOL, List.of(new ContentPart.ToolResult(toolCallId, result, false)));
      case "function":
        throw new OpenAiRequestException(
            path + ".role",
            UNSUPPORTED_VALUE,
            "the deprecated 'function' role is not supported; use tool messages");
      default:
        throw new OpenAiRequestException(
            path + ".role",
            INVALID_VALUE,
            "must be system, developer, user, assistant or tool, not '" + role + "'");
    }
  }

  /** The participant {@code name} has no counterpart in the canonical model (or in Bedrock). */
  private static void refuseName(ObjectNode m, String path) {
    if (value(m, "name") != null) {
      throw new OpenAiRequestException(
          path + ".name", UNSUPPORTED_PARAMETER, "participant names are not supported");
    }
  }

  private Message assistantMessage(ObjectNode m, String path) {
    rejectUnknownFields(m, path, ASSISTANT_FIELDS, "field");
    refuseName(m, path);
    // Clients that send the previous answer back verbatim include these as null or empty.
    refuseAnyValue(m, path, "refusal", "refusals cannot be sent back");
    refuseAnyValue(m, path, "audio", "audio answers cannot be sent back");
    refuseAnyValue(m, path, "function_call", "the deprecated functions API is not supported");
    JsonNode annotations = value(m, "annotations");
    if (annotations != null && !(annotations.isArray() && annotations.isEmpty())) {
      throw new OpenAiRequestException(
          path + ".annotations", UNSUPPORTED_PARAMETER, "annotations cannot be sent back");
    }

    List<ContentPart> parts = new ArrayList<>();
    JsonNode reasoning = value(m, "reasoning_content");
    if (reasoning != null) {
      String text = string(reasoning, path + ".reasoning_content");
      if (!text.isEmpty()) {
        // Reasoning sent back through OpenAI's format has lost its signature, if it had one.
        parts.add(new ContentPart.Reasoning(text, null));
      }
    }
    JsonNode content = value(m, "content");
    if (content != null) {
      parts.addAll(textContent(content, path + ".content"));
    }
    JsonNode toolCalls = value(m, "tool_calls");
    if (toolCalls != null) {
      String callsPath = path + ".tool_calls";
      if (!toolCalls.isArray()) {
        throw invalidType(callsPath, "an array", toolCalls);
      }
      for (int i = 0; i < toolCalls.size(); i++) {
        parts.add(toolCall(toolCalls.get(i), callsPath + "[" + i + "]"));
      }
    }
    return new Message(Role.ASSISTANT, parts);
  }

  private static void refuseAnyValue(ObjectNode m, String path, String field, String why) {
    if (value(m, field) != null) {
      throw new OpenAiRequestException(path + "." + field, UNSUPPORTED_PARAMETER, why);
    }
  }

  private ContentPart.ToolCall toolCall(JsonNode node, String path) {
    ObjectNode call = object(node, path);
    rejectUnknownFields(call, path, TOOL_CALL_FIELDS, "field");
    String id = requiredNonEmptyString(call, "id", path);
    JsonNode type = value(call, "type");
    if (type != null && !"function".equals(type.textValue())) {
      throw new OpenAiRequestException(
          path + ".type", UNSUPPORTED_VALUE, "only function tool calls are supported");
    }
    String functionPath = path + ".function";
    ObjectNode function = object(required(call, "function", path), functionPath);
    rejectUnknownFields(function, functionPath, TOOL_CALL_FUNCTION_FIELDS, "field");
    String name = requiredNonEmptyString(function, "name", functionPath);
    return new ContentPart.ToolCall(
        id, name, arguments(value(function, "arguments"), functionPath + ".arguments"));
  }

  /**
   * The arguments as JSON object text. OpenAI sends them as a string; a missing, null or blank one
   * means no arguments ({@code {}}). Some clients send an object instead; it is taken as well.
   */
  private String arguments(JsonNode node, String path) {
    if (node == null) {
      return "{}";
    }
    if (node.isObject()) {
      return compact(node);
    }
    if (!node.isTextual()) {
      throw invalidType(path, "a string of JSON", node);
    }
    String text = node.textValue();
    if (text.isBlank()) {
      return "{}";
    }
    JsonNode parsed;
    try {
      parsed = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new OpenAiRequestException(
          path, INVALID_VALUE, "is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (parsed == null || !parsed.isObject()) {
      throw new OpenAiRequestException(path, INVALID_VALUE, "must be a JSON object");
    }
    return text;
  }

  /** Content that may only hold text: a string, or an array of {@code text} parts. */
  private static List<ContentPart> textContent(JsonNode node, String path) {
    if (node.isTextual()) {
      return List.of(new ContentPart.Text(node.textValue()));
    }
    if (!node.isArray()) {
      throw invalidType(path, "a string or an array of content parts", node);
    }
    List<ContentPart> parts = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      String partPath = path + "[" + i + "]";
      ObjectNode part = object(node.get(i), partPath);
      String type = requiredString(part, "type", partPath);
      if (!type.equals("text")) {
        throw new OpenAiRequestException(
            partPath + ".type",
            UNSUPPORTED_VALUE,
            "only text parts are allowed here, not '" + type + "'");
      }
      parts.add(textPart(part, partPath));
    }
    return parts;
  }

  private static ContentPart.Text textPart(ObjectNode part, String path) {
    rejectUnknownFields(part, path, TEXT_PART_FIELDS, "field");
    return new ContentPart.Text(requiredString(part, "text", path));
  }

  /** User content: a string, or an array of text, image and file parts. */
  private static List<ContentPart> userContent(JsonNode node, String path) {
    if (node.isTextual()) {
      return List.of(new ContentPart.Text(node.textValue()));
    }
    if (!node.isArray()) {
      throw invalidType(path, "a string or an array of content parts", node);
    }
    if (node.isEmpty()) {
      throw new OpenAiRequestException(path, INVALID_VALUE, "must contain at least one part");
    }
    List<ContentPart> parts = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      String partPath = path + "[" + i + "]";
      ObjectNode part = object(node.get(i), partPath);
      String type = requiredString(part, "type", partPath);
      switch (type) {
        case "text":
          parts.add(textPart(part, partPath));
          break;
        case "image_url":
          parts.add(imagePart(part, partPath));
          break;
        case "file":
          parts.add(filePart(part, partPath));
          break;
        case "input_audio":
          throw new OpenAiRequestException(
              partPath + ".type", UNSUPPORTED_VALUE, "audio input is not supported");
        default:
          throw new OpenAiRequestException(
              partPath + ".type",
              UNSUPPORTED_VALUE,
              "must be text, image_url or file, not '" + type + "'");
      }
    }
    return parts;
  }

  /**
   * An {@code image_url} part. {@code detail} is validated and accepted but does not travel: it is
   * a resolution hint for OpenAI's own image tokenizer, which no other provider has.
   */
  private static ContentPart.Image imagePart(ObjectNode part, String path) {
    rejectUnknownFields(part, path, IMAGE_PART_FIELDS, "field");
    String imagePath = path + ".image_url";
    JsonNode image = required(part, "image_url", path);
    String url;
    String urlPath;
    if (image.isTextual()) {
      url = image.textValue();
      urlPath = imagePath;
    } else {
      ObjectNode o = object(image, imagePath);
      rejectUnknownFields(o, imagePath, IMAGE_URL_FIELDS, "field");
      url = requiredString(o, "url", imagePath);
      urlPath = imagePath + ".url";
      JsonNode detail = value(o, "detail");
      if (detail != null && (!detail.isTextual() || !IMAGE_DETAILS.contains(detail.textValue()))) {
        throw new OpenAiRequestException(
            imagePath + ".detail", INVALID_VALUE, "must be auto, low or high");
      }
    }
    if (DataUrl.isDataUrl(url)) {
      DataUrl data = dataUrl(url, urlPath);
      if (!data.mediaType().startsWith("image/")) {
        throw new OpenAiRequestException(
            urlPath,
            INVALID_VALUE,
            "an image must have an image/* media type, not '" + data.mediaType() + "'");
      }
      return ContentPart.Image.ofBase64(data.mediaType(), data.base64Data());
    }
    if (startsWithIgnoreCase(url, "https://") || startsWithIgnoreCase(url, "http://")) {
      return ContentPart.Image.ofUrl(url);
    }
    throw new OpenAiRequestException(
        urlPath, INVALID_VALUE, "must be an http(s) URL or a base64 data: URL");
  }

  /**
   * A {@code file} part with inline data. The document format comes from the data URL's media type,
   * or, for bare base64, from the file name's extension.
   */
  private static ContentPart.Document filePart(ObjectNode part, String path) {
    rejectUnknownFields(part, path, FILE_PART_FIELDS, "field");
    String filePath = path + ".file";
    ObjectNode file = object(required(part, "file", path), filePath);
    rejectUnknownFields(file, filePath, FILE_FIELDS, "field");
    if (value(file, "file_id") != null) {
      throw new OpenAiRequestException(
          filePath + ".file_id",
          UNSUPPORTED_PARAMETER,
          "uploaded file ids are not supported; send the file inline as file_data");
    }
    JsonNode nameNode = value(file, "filename");
    String name =
        nameNode == null ? DEFAULT_DOCUMENT_NAME : string(nameNode, filePath + ".filename");
    String dataPath = filePath + ".file_data";
    String fileData = requiredString(file, "file_data", filePath);
    String format;
    String base64;
    if (DataUrl.isDataUrl(fileData)) {
      DataUrl data = dataUrl(fileData, dataPath);
      format = OpenAiWire.documentFormat(data.mediaType());
      if (format == null) {
        throw new OpenAiRequestException(
            dataPath,
            UNSUPPORTED_VALUE,
            "documents of type '" + data.mediaType() + "' are not supported");
      }
      base64 = data.base64Data();
    } else {
      int dot = name.lastIndexOf('.');
      String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
      format = OpenAiWire.documentMediaType(extension) == null ? null : extension;
      if (format == null || fileData.isEmpty()) {
        throw new OpenAiRequestException(
            dataPath,
            INVALID_VALUE,
            "must be a base64 data: URL such as data:application/pdf;base64,...");
      }
      base64 = fileData;
    }
    return new ContentPart.Document(format, name, base64);
  }

  private static DataUrl dataUrl(String url, String path) {
    try {
      return DataUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw new OpenAiRequestException(path, INVALID_VALUE, e.getMessage(), e);
    }
  }

  // --- tools ---

  private List<Tool> tools(ObjectNode body) {
    JsonNode node = value(body, "tools");
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalidType("tools", "an array", node);
    }
    List<Tool> tools = new ArrayList<>(node.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "tools[" + i + "]";
      Tool tool = tool(node.get(i), path);
      if (!names.add(tool.name())) {
        throw new OpenAiRequestException(
            path + ".function.name", INVALID_VALUE, "duplicate tool name '" + tool.name() + "'");
      }
      tools.add(tool);
    }
    return tools;
  }

  private Tool tool(JsonNode node, String path) {
    ObjectNode tool = object(node, path);
    rejectUnknownFields(tool, path, TOOL_FIELDS, "field");
    String type = requiredString(tool, "type", path);
    if (!type.equals("function")) {
      throw new OpenAiRequestException(
          path + ".type",
          UNSUPPORTED_VALUE,
          "only function tools are supported, not '" + type + "'");
    }
    String fnPath = path + ".function";
    ObjectNode fn = object(required(tool, "function", path), fnPath);
    rejectUnknownFields(fn, fnPath, FUNCTION_FIELDS, "field");
    String name = requiredString(fn, "name", fnPath);
    if (!StreamingRequestDecoder.isToolName(name)) {
      throw new OpenAiRequestException(
          fnPath + ".name",
          INVALID_VALUE,
          "must be 1 to 64 letters, digits, underscores or dashes, not '" + name + "'");
    }
    JsonNode description = value(fn, "description");
    JsonNode strict = value(fn, "strict");
    if (strict != null && !(strict.isBoolean() && !strict.booleanValue())) {
      throw new OpenAiRequestException(
          fnPath + ".strict",
          UNSUPPORTED_VALUE,
          "strict schema adherence cannot be guaranteed; set strict to false");
    }
    String schema = null;
    JsonNode parameters = value(fn, "parameters");
    if (parameters != null) {
      String parametersPath = fnPath + ".parameters";
      object(parameters, parametersPath);
      JsonNode schemaType = parameters.get("type");
      if (schemaType != null && !"object".equals(schemaType.textValue())) {
        throw new OpenAiRequestException(
            parametersPath + ".type", INVALID_VALUE, "the parameters schema must have type object");
      }
      schema = compact(parameters);
    }
    return new Tool(
        name, description == null ? "" : string(description, fnPath + ".description"), schema);
  }

  private static ToolChoice toolChoice(JsonNode node, List<Tool> tools) {
    String path = "tool_choice";
    if (node.isTextual()) {
      switch (node.textValue()) {
        case "auto":
          return ToolChoice.AUTO;
        case "none":
          return ToolChoice.NONE;
        case "required":
          if (tools.isEmpty()) {
            throw new OpenAiRequestException(
                path, INVALID_VALUE, "'required' needs at least one tool in tools");
          }
          return ToolChoice.ANY;
        default:
          throw new OpenAiRequestException(
              path,
              INVALID_VALUE,
              "must be auto, none, required or a function, not '" + node.textValue() + "'");
      }
    }
    ObjectNode choice = object(node, path);
    rejectUnknownFields(choice, path, NAMED_CHOICE_FIELDS, "field");
    String type = requiredString(choice, "type", path);
    if (!type.equals("function")) {
      throw new OpenAiRequestException(
          path + ".type", UNSUPPORTED_VALUE, "only function tool choices are supported");
    }
    String fnPath = path + ".function";
    ObjectNode fn = object(required(choice, "function", path), fnPath);
    rejectUnknownFields(fn, fnPath, NAMED_CHOICE_FUNCTION_FIELDS, "field");
    String name = requiredString(fn, "name", fnPath);
    if (tools.stream().noneMatch(t -> t.name().equals(name))) {
      throw new OpenAiRequestException(
          fnPath + ".name", INVALID_VALUE, "no tool named '" + name + "' is in tools");
    }
    return ToolChoice.tool(name);
  }

  // --- scalars and maps ---

  private static List<String> stopSequences(JsonNode node) {
    if (node == null) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(node.textValue());
    }
    if (!node.isArray()) {
      throw invalidType("stop", "a string or an array of strings", node);
    }
    List<String> stops = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      stops.add(string(node.get(i), "stop[" + i + "]"));
    }
    return stops;
  }

  /** {@code metadata} plus {@code user}, which the canonical model keeps as metadata "user". */
  private static Map<String, String> metadata(ObjectNode body) {
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode node = value(body, "metadata");
    if (node != null) {
      ObjectNode o = object(node, "metadata");
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        metadata.put(e.getKey(), string(e.getValue(), "metadata." + e.getKey()));
      }
    }
    JsonNode user = value(body, "user");
    if (user != null) {
      if (metadata.containsKey("user")) {
        throw new OpenAiRequestException(
            "metadata.user", INVALID_VALUE, "conflicts with the top-level user field");
      }
      metadata.put("user", string(user, "user"));
    }
    return metadata;
  }

  private static int positiveInt(JsonNode node, String path) {
    if (!node.isIntegralNumber()) {
      throw invalidType(path, "an integer", node);
    }
    if (!node.canConvertToInt() || node.intValue() < 1) {
      throw new OpenAiRequestException(path, INVALID_VALUE, "must be a positive integer");
    }
    return node.intValue();
  }

  private static double numberBetween(JsonNode node, String path, double min, double max) {
    if (!node.isNumber()) {
      throw invalidType(path, "a number", node);
    }
    double d = node.doubleValue();
    if (!(d >= min && d <= max)) {
      throw new OpenAiRequestException(
          path, INVALID_VALUE, "must be between " + fmt(min) + " and " + fmt(max));
    }
    return d;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static boolean bool(JsonNode node, String path) {
    if (!node.isBoolean()) {
      throw invalidType(path, "a boolean", node);
    }
    return node.booleanValue();
  }

  private static String string(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw invalidType(path, "a string", node);
    }
    return node.textValue();
  }

  private static ObjectNode object(JsonNode node, String path) {
    if (!node.isObject()) {
      throw invalidType(path, "an object", node);
    }
    return (ObjectNode) node;
  }

  /** The field's value, or null when it is absent or JSON null (OpenAI treats both alike). */
  private static JsonNode value(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private static JsonNode required(ObjectNode o, String field, String parentPath) {
    JsonNode v = value(o, field);
    if (v == null) {
      throw new OpenAiRequestException(join(parentPath, field), MISSING, "is required");
    }
    return v;
  }

  private static String requiredString(ObjectNode o, String field, String parentPath) {
    return string(required(o, field, parentPath), join(parentPath, field));
  }

  private static String requiredNonEmptyString(ObjectNode o, String field, String parentPath) {
    String s = requiredString(o, field, parentPath);
    if (s.isEmpty()) {
      throw new OpenAiRequestException(join(parentPath, field), INVALID_VALUE, "must not be empty");
    }
    return s;
  }

  /** Refuses fields not in {@code known}, naming all of them so one round trip finds them all. */
  private static void rejectUnknownFields(
      ObjectNode o, String path, Set<String> known, String noun) {
    List<String> unknown = null;
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (!known.contains(e.getKey())) {
        if (unknown == null) {
          unknown = new ArrayList<>();
        }
        unknown.add(e.getKey());
      }
    }
    if (unknown != null) {
      String where = path.isEmpty() ? "" : " in " + path;
      throw new OpenAiRequestException(
          join(path, unknown.get(0)),
          UNKNOWN_PARAMETER,
          "unsupported "
              + noun
              + (unknown.size() == 1 ? " '" : "s '")
              + String.join("', '", unknown)
              + "'"
              + where
              + "; it cannot be honoured and is not ignored");
    }
  }

  private static String join(String parentPath, String field) {
    return parentPath.isEmpty() ? field : parentPath + "." + field;
  }

  private static OpenAiRequestException invalidType(String path, String expected, JsonNode got) {
    return new OpenAiRequestException(
        path, INVALID_TYPE, "must be " + expected + ", not " + kind(got));
  }

  private static String kind(JsonNode node) {
    switch (node.getNodeType()) {
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private String compact(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree could not be written back", e);
    }
  }
}
