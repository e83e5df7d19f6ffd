package dev.aperture.bedrock.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.aperture.chat.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeUsageTest {
  @Test
  void invokeHeadersGiveTheCountsWithCacheTokensApart() {
    Map<String, String> headers =
        Map.of(
            "X-Amzn-Bedrock-Input-Token-Count", "12",
            "X-Amzn-Bedrock-Output-Token-Count", " 34 ",
            "X-Amzn-Bedrock-Cache-Read-Input-Token-Count", "500",
            "X-Amzn-Bedrock-Cache-Write-Input-Token-Count", "60");

    assertEquals(
        Usage.builder()
            .inputTokens(12)
            .outputTokens(34)
            .cacheReadTokens(500)
            .cacheWrite5mTokens(60)
            .build(),
        NativeUsage.invokeHeaders(headers::get));
  }

  @Test
  void withoutCountHeadersThereIsNoHeaderUsage() {
    assertNull(NativeUsage.invokeHeaders(name -> null));
    assertEquals(
        Usage.of(0, 7),
        NativeUsage.invokeHeaders(
            name -> name.equals("X-Amzn-Bedrock-Output-Token-Count") ? "7" : null));
    assertEquals(
        Usage.of(0, 3),
        NativeUsage.invokeHeaders(
            Map.of(
                    "X-Amzn-Bedrock-Input-Token-Count", "-5",
                    "X-Amzn-Bedrock-Output-Token-Count", "3",
                    "X-Amzn-Bedrock-Cache-Read-Input-Token-Count", "many")
                ::get));
  }

  @Test
  void anInvokeBodyGivesAnthropicUsageAndToolNames() {
    NativeUsage.Observed seen =
        NativeUsage.invokeResponse(
            ("{\"content\":[{\"type\":\"text\",\"text\":\"x\"},"
                    + "{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"search\",\"input\":{}},"
                    + "{\"type\":\"server_tool_use\",\"id\":\"b\",\"name\":\"web_search\"}],"
                    + "\"usage\":{\"input_tokens\":5,\"output_tokens\":6,"
                    + "\"cache_read_input_tokens\":7,\"cache_creation_input_tokens\":8,"
                    + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":3,"
                    + "\"ephemeral_1h_input_tokens\":5}}}")
                .getBytes(UTF_8));

    assertEquals(
        Usage.builder()
            .inputTokens(5)
            .outputTokens(6)
            .cacheReadTokens(7)
            .cacheWrite5mTokens(3)
            .cacheWrite1hTokens(5)
            .build(),
        seen.usage());
    assertEquals(List.of("search", "web_search"), seen.toolNames());
  }

  @Test
  void anInvokeBodyCountingInCamelCaseIsReadAsConverse() {
    NativeUsage.Observed seen =
        NativeUsage.invokeResponse(
            "{\"output\":{},\"usage\":{\"inputTokens\":9,\"outputTokens\":2,\"totalTokens\":11}}"
                .getBytes(UTF_8));

    assertEquals(Usage.of(9, 2), seen.usage());
  }

  @Test
  void aConverseBodyGivesUsageAndToolNames() {
    NativeUsage.Observed seen =
        NativeUsage.converseResponse(
            ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"x\"},"
                    + "{\"toolUse\":{\"toolUseId\":\"1\",\"name\":\"a\",\"input\":{}}},"
                    + "{\"toolUse\":{\"toolUseId\":\"2\",\"name\":\"b\",\"input\":{}}}]}},"
                    + "\"usage\":{\"inputTokens\":1,\"outputTokens\":2,\"cacheReadInputTokens\":3,"
                    + "\"cacheWriteInputTokens\":4}}")
                .getBytes(UTF_8));

    assertEquals(
        Usage.builder()
            .inputTokens(1)
            .outputTokens(2)
            .cacheReadTokens(3)
            .cacheWrite5mTokens(4)
            .build(),
        seen.usage());
    assertEquals(List.of("a", "b"), seen.toolNames());
  }

  @Test
  void anUnreadableBodyCountsNothing() {
    for (String body : List.of("", "not json", "[1,2]", "{\"usage\":\"x\"}")) {
      assertEquals(Usage.ZERO, NativeUsage.invokeResponse(body.getBytes(UTF_8)).usage(), body);
      assertEquals(Usage.ZERO, NativeUsage.converseResponse(body.getBytes(UTF_8)).usage(), body);
      assertEquals(List.of(), NativeUsage.converseResponse(body.getBytes(UTF_8)).toolNames());
    }
  }
}
