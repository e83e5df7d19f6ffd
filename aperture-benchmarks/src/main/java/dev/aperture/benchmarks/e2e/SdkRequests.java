package dev.aperture.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.benchmarks.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.bedrockruntime.model.AnyToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.AutoToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ImageBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ImageSource;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SpecificToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolChoice;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * The AWS SDK's request objects for exactly the Converse body Aperture sends, so that the SDK sends
 * the same payload (the runner checks this by comparing the bodies the stub received). Covers the
 * fields the fixtures use: text, images, tool use and results, system, inference settings, tools,
 * tool choice and request metadata.
 */
final class SdkRequests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Message> messages = new ArrayList<>();
  private final List<SystemContentBlock> system = new ArrayList<>();
  private InferenceConfiguration inference;
  private ToolConfiguration tools;
  private final Map<String, String> metadata = new LinkedHashMap<>();

  private SdkRequests(JsonNode body) {
    for (JsonNode m : body.path("messages")) {
      List<ContentBlock> blocks = new ArrayList<>();
      for (JsonNode b : m.path("content")) {
        blocks.add(block(b));
      }
      messages.add(
          Message.builder()
              .role(ConversationRole.fromValue(m.path("role").asText()))
              .content(blocks)
              .build());
    }
    for (JsonNode s : body.path("system")) {
      system.add(SystemContentBlock.fromText(s.path("text").asText()));
    }
    JsonNode ic = body.get("inferenceConfig");
    if (ic != null) {
      InferenceConfiguration.Builder b = InferenceConfiguration.builder();
      if (ic.has("maxTokens")) {
        b.maxTokens(ic.get("maxTokens").asInt());
      }
      if (ic.has("temperature")) {
        b.temperature((float) ic.get("temperature").asDouble());
      }
      if (ic.has("topP")) {
        b.topP((float) ic.get("topP").asDouble());
      }
      List<String> stops = new ArrayList<>();
      for (JsonNode s : ic.path("stopSequences")) {
        stops.add(s.asText());
      }
      if (!stops.isEmpty()) {
        b.stopSequences(stops);
      }
      inference = b.build();
    }
    JsonNode tc = body.get("toolConfig");
    if (tc != null) {
      List<Tool> list = new ArrayList<>();
      for (JsonNode t : tc.path("tools")) {
        JsonNode spec = t.path("toolSpec");
        list.add(
            Tool.fromToolSpec(
                ToolSpecification.builder()
                    .name(spec.path("name").asText())
                    .description(spec.path("description").asText())
                    .inputSchema(
                        ToolInputSchema.fromJson(document(spec.path("inputSchema").path("json"))))
                    .build()));
      }
      ToolConfiguration.Builder b = ToolConfiguration.builder().tools(list);
      JsonNode choice = tc.get("toolChoice");
      if (choice != null) {
        if (choice.has("auto")) {
          b.toolChoice(ToolChoice.fromAuto(AutoToolChoice.builder().build()));
        } else if (choice.has("any")) {
          b.toolChoice(ToolChoice.fromAny(AnyToolChoice.builder().build()));
        } else if (choice.has("tool")) {
          b.toolChoice(
              ToolChoice.fromTool(
                  SpecificToolChoice.builder()
                      .name(choice.path("tool").path("name").asText())
                      .build()));
        }
      }
      tools = b.build();
    }
    for (Map.Entry<String, JsonNode> e : body.path("requestMetadata").properties()) {
      metadata.put(e.getKey(), e.getValue().asText());
    }
    for (String field :
        List.of("additionalModelRequestFields", "guardrailConfig", "performanceConfig")) {
      if (body.has(field)) {
        throw new IllegalArgumentException(
            "the fixture uses " + field + ", which this mapping lacks");
      }
    }
  }

  /** The SDK requests for the Converse body {@code converseJson}. */
  static SdkRequests from(byte[] converseJson) throws IOException {
    return new SdkRequests(JSON.readTree(converseJson));
  }

  ConverseRequest converse() {
    ConverseRequest.Builder b =
        ConverseRequest.builder().modelId(Fixtures.MODEL).messages(messages).system(system);
    if (inference != null) {
      b.inferenceConfig(inference);
    }
    if (tools != null) {
      b.toolConfig(tools);
    }
    if (!metadata.isEmpty()) {
      b.requestMetadata(metadata);
    }
    return b.build();
  }

  ConverseStreamRequest converseStream() {
    ConverseStreamRequest.Builder b =
        ConverseStreamRequest.builder().modelId(Fixtures.MODEL).messages(messages).system(system);
    if (inference != null) {
      b.inferenceConfig(inference);
    }
    if (tools != null) {
      b.toolConfig(tools);
    }
    if (!metadata.isEmpty()) {
      b.requestMetadata(metadata);
    }
    return b.build();
  }

  private static ContentBlock block(JsonNode b) {
    if (b.has("text")) {
      return ContentBlock.fromText(b.get("text").asText());
    }
    if (b.has("image")) {
      return ContentBlock.fromImage(image(b.get("image")));
    }
    if (b.has("toolUse")) {
      JsonNode u = b.get("toolUse");
      return ContentBlock.fromToolUse(
          ToolUseBlock.builder()
              .toolUseId(u.path("toolUseId").asText())
              .name(u.path("name").asText())
              .input(document(u.path("input")))
              .build());
    }
    if (b.has("toolResult")) {
      JsonNode r = b.get("toolResult");
      List<ToolResultContentBlock> content = new ArrayList<>();
      for (JsonNode c : r.path("content")) {
        if (c.has("text")) {
          content.add(ToolResultContentBlock.fromText(c.get("text").asText()));
        } else if (c.has("json")) {
          content.add(ToolResultContentBlock.fromJson(document(c.get("json"))));
        } else if (c.has("image")) {
          content.add(ToolResultContentBlock.fromImage(image(c.get("image"))));
        } else {
          throw new IllegalArgumentException("tool result block not mapped: " + c);
        }
      }
      ToolResultBlock.Builder t =
          ToolResultBlock.builder().toolUseId(r.path("toolUseId").asText()).content(content);
      if (r.has("status")) {
        t.status(r.get("status").asText());
      }
      return ContentBlock.fromToolResult(t.build());
    }
    throw new IllegalArgumentException("content block not mapped: " + b.fieldNames().next());
  }

  private static ImageBlock image(JsonNode image) {
    return ImageBlock.builder()
        .format(image.path("format").asText())
        .source(
            ImageSource.fromBytes(
                SdkBytes.fromByteArray(
                    Base64.getDecoder().decode(image.path("source").path("bytes").asText()))))
        .build();
  }

  /** A JSON tree as an SDK document. */
  static Document document(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return Document.fromNull();
    }
    if (node.isObject()) {
      Map<String, Document> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), document(e.getValue()));
      }
      return Document.fromMap(map);
    }
    if (node.isArray()) {
      List<Document> list = new ArrayList<>();
      node.forEach(n -> list.add(document(n)));
      return Document.fromList(list);
    }
    if (node.isBoolean()) {
      return Document.fromBoolean(node.asBoolean());
    }
    if (node.isIntegralNumber()) {
      return Document.fromNumber(node.longValue());
    }
    if (node.isNumber()) {
      return Document.fromNumber(node.decimalValue());
    }
    return Document.fromString(node.asText());
  }
}
