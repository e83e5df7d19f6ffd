package dev.aperture.testing;

import static dev.aperture.testing.Calls.HAIKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bodies Bedrock refuses are refused with a 400 that names the problem; good ones pass. */
@Timeout(30)
class BodyRulesTest {
  private static final String VERSION = "\"anthropic_version\":\"bedrock-2023-05-31\"";
  private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
  private static final String TOOLS =
      "\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\","
          + "\"inputSchema\":{\"json\":{\"type\":\"object\"}}}}]}";
  private static final String TOOL_HISTORY =
      "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Weather?\"}]},"
          + "{\"role\":\"assistant\",\"content\":[{\"toolUse\":{\"toolUseId\":\"t1\","
          + "\"name\":\"get_weather\",\"input\":{}}}]},"
          + "{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"t1\","
          + "\"content\":[{\"text\":\"sunny\"}]}}]}]";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  static Stream<Arguments> refusedAnthropicBodies() {
    return Stream.of(
        Arguments.of(
            "{\"max_tokens\":10," + HI + "}", "required key [anthropic_version] not found"),
        Arguments.of(
            "{\"anthropic_version\":\"2023-06-01\",\"max_tokens\":10," + HI + "}",
            "#/anthropic_version: \"2023-06-01\" is not a valid enum value"),
        Arguments.of("{" + VERSION + "," + HI + "}", "required key [max_tokens] not found"),
        Arguments.of(
            "{" + VERSION + ",\"max_tokens\":10,\"model\":\"claude\"," + HI + "}",
            "extraneous key [model] is not permitted"),
        Arguments.of(
            "{" + VERSION + ",\"max_tokens\":10,\"stream\":true," + HI + "}",
            "extraneous key [stream] is not permitted"),
        Arguments.of(
            "{" + VERSION + ",\"max_tokens\":10,\"stream_options\":{}," + HI + "}",
            "extraneous key [stream_options] is not permitted"),
        Arguments.of("{" + VERSION + ",\"max_tokens\":10}", "required key [messages] not found"),
        Arguments.of(
            "{" + VERSION + ",\"max_tokens\":10,\"messages\":[]}",
            "expected minimum item count: 1"),
        Arguments.of(
            "{" + VERSION + ",\"max_tokens\":0," + HI + "}", "#/max_tokens: expected minimum: 1"),
        Arguments.of(
            "{"
                + VERSION
                + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}",
            "messages: text content blocks must be non-empty"),
        Arguments.of(
            "{"
                + VERSION
                + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"  \"}]}]}",
            "messages: text content blocks must contain non-whitespace text"),
        Arguments.of(
            "{"
                + VERSION
                + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\","
                + "\"name\":\"f\",\"input\":{}}]}]}",
            "must define tools"),
        Arguments.of("[1,2]", "Malformed input request"),
        Arguments.of("not json", "Malformed input request"));
  }

  @ParameterizedTest
  @MethodSource("refusedAnthropicBodies")
  void anthropicInvokeBodiesBreakingBedrocksRulesAreRefused(String body, String message)
      throws Exception {
    for (BedrockOperation op :
        new BedrockOperation[] {
          BedrockOperation.INVOKE_MODEL, BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM
        }) {
      assertRefused(Calls.send(bedrock, HAIKU, op, body), message);
    }
  }

  @Test
  void theExtraneousKeyMessageHasBedrocksWording() throws Exception {
    try (Response r =
        Calls.send(
            bedrock,
            HAIKU,
            BedrockOperation.INVOKE_MODEL,
            "{" + VERSION + ",\"max_tokens\":10,\"model\":\"x\"," + HI + "}")) {
      assertEquals(
          "Malformed input request: #: extraneous key [model] is not permitted, please reformat"
              + " your input and try again.",
          TestFrames.JSON.readTree(r.body().string()).get("message").asText());
    }
  }

  @Test
  void aFullAnthropicBodyPasses() throws Exception {
    String body =
        "{"
            + VERSION
            + ",\"anthropic_beta\":[\"context-1m-2025-08-07\"],\"max_tokens\":1024,"
            + "\"system\":\"Be brief\",\"temperature\":0.5,\"top_p\":0.9,\"top_k\":5,"
            + "\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u\"},"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
            + "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],"
            + "\"tool_choice\":{\"type\":\"auto\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\","
            + "\"name\":\"f\",\"input\":{}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
            + "\"content\":\"ok\"}]}]}";
    try (Response r = Calls.send(bedrock, HAIKU, BedrockOperation.INVOKE_MODEL, body)) {
      assertEquals(200, r.code());
    }
  }

  @Test
  void invokeModelIsEmulatedForAnthropicModelsOnly() throws Exception {
    assertRefused(
        Calls.send(bedrock, Calls.NOVA, BedrockOperation.INVOKE_MODEL, Calls.ANTHROPIC_BODY),
        "Anthropic models only");
  }

  static Stream<Arguments> refusedConverseBodies() {
    return Stream.of(
        Arguments.of("{}", "Value null at 'messages' failed to satisfy constraint"),
        Arguments.of("{\"messages\":[]}", "must start with a user message"),
        Arguments.of(
            "{\"modelId\":\""
                + HAIKU
                + "\","
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}",
            "must not contain modelId"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"text\":\"Hi\"}]}]}",
            "must start with a user message"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"system\",\"content\":[{\"text\":\"Hi\"}]}]}",
            "Value 'system' at 'messages.1.member.role' failed to satisfy constraint"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"text\":\"b\"}]}]}",
            "must alternate between user and assistant roles"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":[]}]}", "messages.0.content is empty"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\",\"image\":{}}]}]}",
            "messages.0.content.0 must set exactly one of"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}",
            "messages.0.content.0 must set exactly one of"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"\"}]}]}",
            "text content blocks must be non-empty"),
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\" \\n\"}]}]}",
            "messages.0.content.0 is blank"),
        Arguments.of(
            "{" + TOOL_HISTORY + "}",
            "The toolConfig field must be defined when using toolUse and toolResult content"
                + " blocks."),
        Arguments.of(
            "{"
                + TOOL_HISTORY
                + ",\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get weather\","
                + "\"inputSchema\":{\"json\":{\"type\":\"object\"}}}}]}}",
            "toolSpec.name' failed to satisfy constraint"),
        Arguments.of(
            "{"
                + TOOL_HISTORY
                + ",\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\","
                + "\"inputSchema\":{\"json\":{\"type\":\"array\"}}}}]}}",
            "inputSchema.json.type must be one of the following: object"),
        Arguments.of(
            "{"
                + TOOL_HISTORY
                + ",\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\","
                + "\"inputSchema\":{\"json\":{\"type\":\"object\"}}}}],\"toolChoice\":{\"none\":{}}}}",
            "toolChoice object must set exactly one of auto, any, tool"),
        Arguments.of(
            "{\"system\":[{\"text\":\"\"}],\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}",
            "system.0 is blank"),
        Arguments.of(
            "{\"inferenceConfig\":{\"maxTokens\":0},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}",
            "inferenceConfig.maxTokens"),
        Arguments.of("[]", "not a JSON object"));
  }

  @ParameterizedTest
  @MethodSource("refusedConverseBodies")
  void converseBodiesBreakingBedrocksRulesAreRefused(String body, String message) throws Exception {
    for (BedrockOperation op :
        new BedrockOperation[] {BedrockOperation.CONVERSE, BedrockOperation.CONVERSE_STREAM}) {
      assertRefused(Calls.send(bedrock, HAIKU, op, body), message);
    }
  }

  @Test
  void aConverseToolHistoryWithToolConfigPasses() throws Exception {
    String body =
        "{\"system\":[{\"text\":\"Be brief\"},{\"cachePoint\":{\"type\":\"default\"}}],"
            + TOOL_HISTORY
            + ","
            + TOOLS.substring(0, TOOLS.length() - 1)
            + ",\"toolChoice\":{\"auto\":{}}},"
            + "\"inferenceConfig\":{\"maxTokens\":100,\"temperature\":0.2},"
            + "\"additionalModelRequestFields\":{\"top_k\":5}}";
    try (Response r = Calls.send(bedrock, HAIKU, BedrockOperation.CONVERSE, body)) {
      assertEquals(200, r.code(), r.body().string());
    }
  }

  private static void assertRefused(Response response, String messagePart) throws Exception {
    try (response) {
      String body = response.body().string();
      assertEquals(400, response.code(), body);
      String errorType = response.header("x-amzn-ErrorType");
      assertTrue(
          errorType.startsWith("ValidationException:")
              || errorType.startsWith("SerializationException:"),
          errorType);
      JsonNode json = TestFrames.JSON.readTree(body);
      String message = json.get("message").asText();
      assertTrue(
          message.contains(messagePart), () -> "'" + message + "' lacks '" + messagePart + "'");
    }
  }
}
