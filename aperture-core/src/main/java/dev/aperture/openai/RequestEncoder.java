package dev.aperture.openai;

import static dev.aperture.openai.OpenAiRequestException.INVALID_VALUE;
import static dev.aperture.openai.OpenAiRequestException.UNSUPPORTED_CONTENT;
import static dev.aperture.openai.OpenAiRequestException.UNSUPPORTED_PARAMETER;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a canonical request as an OpenAI chat-completions request body, the reverse of {@link
 * RequestDecoder}. Stateless and thread-safe.
 *
 * <p>What OpenAI's format cannot carry is handled by kind. Hints and provider-specific data that
 * have no meaning to an OpenAI-compatible model are left out: cache points, reasoning signatures,
 * redacted (encrypted) reasoning and the error flag of tool results. Content and parameters that
 * would change the answer are refused with an {@link OpenAiRequestException}: unknown blocks,
 * images or documents outside user messages, non-text tool results, {@code topK} and a reasoning
 * token budget. Reasoning text is written as {@code reasoning_content}, the common extension.
 */
final class RequestEncoder {
  /** Top-level fields this encoder writes itself; an extra field may not repeat one. */
  private static final Set<String> WRITTEN_FIELDS =
      Set.of(
          "model",
          "messages",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "stop",
          "reasoning_effort",
          "user",
          "metadata",
          "stream",
          "stream_options");

  private final ObjectMapper mapper;

  RequestEncoder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  byte[] encode(ChatRequest r, boolean stream, boolean includeUsage) {
    if (r.topK().isPresent()) {
      throw new OpenAiRequestException(
          "top_k", UNSUPPORTED_PARAMETER, "OpenAI chat completions has no top_k");
    }
    if (r.reasoningBudgetTokens().isPresent()) {
      throw new OpenAiRequestException(
          "reasoning_budget_tokens",
          UNSUPPORTED_PARAMETER,
          "OpenAI chat completions has no reasoning token budget; use reasoning_effort");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", r.model());
      g.writeArrayFieldStart("messages");
      for (int i = 0; i < r.messages().size(); i++) {
        writeMessage(g, r.messages().get(i), "messages[" + i + "]");
      }
      g.writeEndArray();
      if (!r.tools().isEmpty()) {
        g.writeArrayFieldStart("tools");
        for (int i = 0; i < r.tools().size(); i++) {
          writeTool(g, r.tools().get(i), "tools[" + i + "]");
        }
        g.writeEndArray();
      }
      if (r.toolChoice().isPresent()) {
        writeToolChoice(g, r.toolChoice().get());
      }
      if (r.parallelToolCalls().isPresent()) {
        g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls().get());
      }
      // max_tokens is deprecated by OpenAI and refused by its reasoning models.
      if (r.maxTokens().isPresent()) {
        g.writeNumberField("max_completion_tokens", r.maxTokens().getAsInt());
      }
      if (r.temperature().isPresent()) {
        g.writeNumberField("temperature", r.temperature().getAsDouble());
      }
      if (r.topP().isPresent()) {
        g.writeNumberField("top_p", r.topP().getAsDouble());
      }
      if (!r.stopSequences().isEmpty()) {
        g.writeArrayFieldStart("stop");
        for (String s : r.stopSequences()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (r.reasoningEffort().isPresent()) {
        g.writeStringField("reasoning_effort", r.reasoningEffort().get());
      }
      writeMetadata(g, r.metadata());
      for (Map.Entry<String, String> extra : r.extraFields().entrySet()) {
        if (WRITTEN_FIELDS.contains(extra.getKey())) {
          throw new OpenAiRequestException(
              extra.getKey(), INVALID_VALUE, "an extra field may not replace a standard one");
        }
        g.writeFieldName(extra.getKey());
        writeJson(g, extra.getValue(), extra.getKey(), false);
      }
      if (stream) {
        g.writeBooleanField("stream", true);
        if (includeUsage) {
          g.writeObjectFieldStart("stream_options");
          g.writeBooleanField("include_usage", true);
          g.writeEndObject();
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Writes one canonical message as one or more OpenAI messages: each tool result becomes its own
   * {@code tool} message, written before the rest of the message it came in.
   */
  private void writeMessage(JsonGenerator g, Message m, String path) throws IOException {
    List<ContentPart> content = m.content();
    switch (m.role()) {
      case SYSTEM:
        g.writeStartObject();
        g.writeStringField("role", "system");
        writeTextContent(g, texts(content, path, "a system message"));
        g.writeEndObject();
        break;
      case USER:
        writeToolResults(g, content, path);
        // a turn of nothing but tool results (and cache points) has no user message left
        if (content.isEmpty()
            || content.stream()
                .anyMatch(
                    p ->
                        !(p instanceof ContentPart.ToolResult)
                            && !(p instanceof ContentPart.CachePoint))) {
          writeUserMessage(g, content, path);
        }
        break;
      case ASSISTANT:
        writeAssistantMessage(g, content, path);
        break;
      case TOOL:
        for (int j = 0; j < content.size(); j++) {
          ContentPart p = content.get(j);
          if (!(p instanceof ContentPart.ToolResult) && !(p instanceof ContentPart.CachePoint)) {
            throw unsupported(path + ".content[" + j + "]", p, "a tool message");
          }
        }
        writeToolResults(g, content, path);
        break;
      default:
        throw new IllegalStateException("unknown role " + m.role());
    }
  }

  private void writeToolResults(JsonGenerator g, List<ContentPart> content, String path)
      throws IOException {
    for (int j = 0; j < content.size(); j++) {
      if (content.get(j) instanceof ContentPart.ToolResult result) {
        String partPath = path + ".content[" + j + "]";
        List<String> texts = texts(result.content(), partPath, "a tool result");
        g.writeStartObject();
        g.writeStringField("role", "tool");
        g.writeStringField("tool_call_id", result.toolCallId());
        writeTextContent(g, texts);
        g.writeEndObject();
      }
    }
  }

  private void writeUserMessage(JsonGenerator g, List<ContentPart> content, String path)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("role", "user");
    List<ContentPart> parts = new ArrayList<>(content.size());
    for (int j = 0; j < content.size(); j++) {
      ContentPart p = content.get(j);
      if (p instanceof ContentPart.Document d && OpenAiWire.documentMediaType(d.format()) == null) {
        throw new OpenAiRequestException(
            path + ".content[" + j + "]",
            UNSUPPORTED_CONTENT,
            "documents of format '" + d.format() + "' cannot be sent as an OpenAI file part");
      }
      if (p instanceof ContentPart.Text
          || p instanceof ContentPart.Image
          || p instanceof ContentPart.Document) {
        parts.add(p);
      } else if (!(p instanceof ContentPart.ToolResult) && !(p instanceof ContentPart.CachePoint)) {
        throw unsupported(path + ".content[" + j + "]", p, "a user message");
      }
    }
    if (parts.isEmpty()) {
      g.writeStringField("content", "");
    } else if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text only) {
      g.writeStringField("content", only.text());
    } else {
      g.writeArrayFieldStart("content");
      for (ContentPart p : parts) {
        writeUserPart(g, p);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeUserPart(JsonGenerator g, ContentPart p) throws IOException {
    g.writeStartObject();
    if (p instanceof ContentPart.Text text) {
      g.writeStringField("type", "text");
      g.writeStringField("text", text.text());
    } else if (p instanceof ContentPart.Image image) {
      g.writeStringField("type", "image_url");
      g.writeObjectFieldStart("image_url");
      g.writeStringField(
          "url",
          image.isInline()
              ? new DataUrl(image.mediaType(), image.base64Data()).url()
              : image.url());
      g.writeEndObject();
    } else {
      ContentPart.Document doc = (ContentPart.Document) p;
      String mediaType = OpenAiWire.documentMediaType(doc.format());
      g.writeStringField("type", "file");
      g.writeObjectFieldStart("file");
      g.writeStringField("filename", doc.name());
      g.writeStringField("file_data", new DataUrl(mediaType, doc.base64Data()).url());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /**
   * OpenAI puts an assistant turn's text in {@code content} and its calls in {@code tool_calls}, so
   * text interleaved with calls comes out as all the text, then all the calls.
   */
  private void writeAssistantMessage(JsonGenerator g, List<ContentPart> content, String path)
      throws IOException {
    List<String> texts = new ArrayList<>();
    List<ContentPart.ToolCall> calls = new ArrayList<>();
    StringBuilder reasoning = null;
    for (int j = 0; j < content.size(); j++) {
      ContentPart p = content.get(j);
      if (p instanceof ContentPart.Text text) {
        texts.add(text.text());
      } else if (p instanceof ContentPart.ToolCall call) {
        calls.add(call);
      } else if (p instanceof ContentPart.Reasoning r) {
        reasoning = reasoning == null ? new StringBuilder() : reasoning;
        reasoning.append(r.text());
      } else if (!(p instanceof ContentPart.RedactedReasoning)
          && !(p instanceof ContentPart.CachePoint)) {
        throw unsupported(path + ".content[" + j + "]", p, "an assistant message");
      }
    }
    g.writeStartObject();
    g.writeStringField("role", "assistant");
    if (texts.isEmpty()) {
      g.writeNullField("content");
    } else {
      writeTextContent(g, texts);
    }
    if (reasoning != null && reasoning.length() > 0) {
      g.writeStringField("reasoning_content", reasoning.toString());
    }
    OpenAiWire.writeToolCalls(g, calls);
    g.writeEndObject();
  }

  /** The text of parts that may only be text; cache points are skipped. */
  private static List<String> texts(List<ContentPart> parts, String path, String where) {
    List<String> texts = new ArrayList<>(parts.size());
    for (int j = 0; j < parts.size(); j++) {
      ContentPart p = parts.get(j);
      if (p instanceof ContentPart.Text text) {
        texts.add(text.text());
      } else if (!(p instanceof ContentPart.CachePoint)) {
        throw unsupported(path + ".content[" + j + "]", p, where);
      }
    }
    return texts;
  }

  /** One text as a string; several as an array of text parts, so they stay separate. */
  private static void writeTextContent(JsonGenerator g, List<String> texts) throws IOException {
    if (texts.size() == 1) {
      g.writeStringField("content", texts.get(0));
      return;
    }
    if (texts.isEmpty()) {
      g.writeStringField("content", "");
      return;
    }
    g.writeArrayFieldStart("content");
    for (String text : texts) {
      g.writeStartObject();
      g.writeStringField("type", "text");
      g.writeStringField("text", text);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void writeTool(JsonGenerator g, Tool tool, String path) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "function");
    g.writeObjectFieldStart("function");
    g.writeStringField("name", tool.name());
    if (!tool.description().isEmpty()) {
      g.writeStringField("description", tool.description());
    }
    g.writeFieldName("parameters");
    writeJson(g, tool.parametersJsonSchema(), path + ".function.parameters", true);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
    switch (choice.kind()) {
      case AUTO:
        g.writeStringField("tool_choice", "auto");
        break;
      case ANY:
        g.writeStringField("tool_choice", "required");
        break;
      case NONE:
        g.writeStringField("tool_choice", "none");
        break;
      case TOOL:
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", choice.toolName());
        g.writeEndObject();
        g.writeEndObject();
        break;
      default:
        throw new IllegalStateException("unknown tool choice " + choice.kind());
    }
  }

  /** The canonical metadata "user" is OpenAI's top-level {@code user}; the rest is metadata. */
  private static void writeMetadata(JsonGenerator g, Map<String, String> metadata)
      throws IOException {
    String user = metadata.get("user");
    if (user != null) {
      g.writeStringField("user", user);
    }
    if (metadata.size() > (user != null ? 1 : 0)) {
      g.writeObjectFieldStart("metadata");
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        if (!e.getKey().equals("user")) {
          g.writeStringField(e.getKey(), e.getValue());
        }
      }
      g.writeEndObject();
    }
  }

  /** Copies JSON text through a parser, so text that is not JSON cannot corrupt the body. */
  private void writeJson(JsonGenerator g, String json, String path, boolean mustBeObject)
      throws IOException {
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new OpenAiRequestException(path, INVALID_VALUE, "is not valid JSON", e);
    }
    if (node == null || node.isMissingNode() || (mustBeObject && !node.isObject())) {
      throw new OpenAiRequestException(
          path, INVALID_VALUE, mustBeObject ? "must be a JSON object" : "is empty");
    }
    mapper.writeTree(g, node);
  }

  private static OpenAiRequestException unsupported(String path, ContentPart p, String where) {
    return new OpenAiRequestException(
        path,
        UNSUPPORTED_CONTENT,
        "OpenAI chat completions cannot carry " + describe(p) + " in " + where);
  }

  private static String describe(ContentPart p) {
    if (p instanceof ContentPart.Unknown unknown) {
      return "a '" + unknown.type() + "' block";
    }
    if (p instanceof ContentPart.Image) {
      return "an image";
    }
    if (p instanceof ContentPart.Document) {
      return "a document";
    }
    if (p instanceof ContentPart.ToolCall) {
      return "a tool call";
    }
    if (p instanceof ContentPart.ToolResult) {
      return "a tool result";
    }
    if (p instanceof ContentPart.Reasoning) {
      return "reasoning";
    }
    if (p instanceof ContentPart.RedactedReasoning) {
      return "redacted reasoning";
    }
    return "a " + p.getClass().getSimpleName() + " part";
  }
}
