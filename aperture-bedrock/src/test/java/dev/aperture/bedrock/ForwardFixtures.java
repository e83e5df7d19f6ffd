package dev.aperture.bedrock;

import dev.aperture.ApiFormat;
import dev.aperture.bedrock.eventstream.EventStreamEncoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.Usage;
import dev.aperture.config.ImmutableProviderConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.UsageSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Shared fixtures for the passthrough tests: configs, event-stream bodies and a recording sink. */
final class ForwardFixtures {
  static final String KEY = "provider-secret-key-0123456789";
  static final String CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  static final String NOVA = "amazon.nova-pro-v1:0";

  private ForwardFixtures() {}

  /** A config with both Bedrock APIs enabled and {@link #KEY}, pointing at {@code baseUrl}. */
  /** Stops {@code server} and lets go of {@code client}'s threads and connections (null: none). */
  static void shutDown(mockwebserver3.MockWebServer server, okhttp3.OkHttpClient client) {
    server.close();
    if (client != null) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  static ImmutableProviderConfig.Builder config(String baseUrl) {
    return ProviderConfig.builder()
        .id("bedrock-us")
        .baseUrl(baseUrl)
        .apiKey(KEY)
        .addModels(CLAUDE, NOVA)
        .compatibility(Set.of(ApiFormat.BEDROCK_MODEL_INVOKE, ApiFormat.BEDROCK_CONVERSE));
  }

  /** A ConverseStream event frame. */
  static EventStreamMessage event(String eventType, String json) {
    return EventStreamMessage.builder()
        .header(":event-type", eventType)
        .header(":content-type", "application/json")
        .header(":message-type", "event")
        .payloadUtf8(json)
        .build();
  }

  /** An InvokeModelWithResponseStream chunk carrying {@code eventJson}, base64, with padding. */
  static EventStreamMessage chunk(String eventJson) {
    String b64 = Base64.getEncoder().encodeToString(eventJson.getBytes(StandardCharsets.UTF_8));
    return event("chunk", "{\"bytes\":\"" + b64 + "\",\"p\":\"abcdefghij\"}");
  }

  /** An exception frame. */
  static EventStreamMessage exception(String type, String message) {
    return EventStreamMessage.builder()
        .header(":exception-type", type)
        .header(":content-type", "application/json")
        .header(":message-type", "exception")
        .payloadUtf8("{\"message\":\"" + message + "\"}")
        .build();
  }

  /** The frames encoded back to back. */
  static byte[] encode(EventStreamMessage... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (EventStreamMessage f : frames) {
      out.writeBytes(EventStreamEncoder.encode(f));
    }
    return out.toByteArray();
  }

  /** A ConverseStream answer that calls one tool; usage arrives after messageStop. */
  static final EventStreamMessage[] CONVERSE_TOOL_STREAM = {
    event("messageStart", "{\"role\":\"assistant\",\"p\":\"abc\"}"),
    event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Checking\"}}"),
    event("contentBlockStop", "{\"contentBlockIndex\":0}"),
    event(
        "contentBlockStart",
        "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"get_weather\"}}}"),
    event(
        "contentBlockDelta",
        "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}}"),
    event("contentBlockStop", "{\"contentBlockIndex\":1}"),
    event("messageStop", "{\"stopReason\":\"tool_use\"}"),
    event(
        "metadata",
        "{\"usage\":{\"inputTokens\":12,\"outputTokens\":34,\"totalTokens\":46,"
            + "\"cacheReadInputTokens\":5,\"cacheWriteInputTokens\":6},\"metrics\":{\"latencyMs\":99}}"),
  };

  static final Usage CONVERSE_TOOL_USAGE =
      Usage.builder()
          .inputTokens(12)
          .outputTokens(34)
          .cacheReadTokens(5)
          .cacheWrite5mTokens(6)
          .build();

  /** The Anthropic events of an InvokeModel stream that calls one tool. */
  static final String[] CLAUDE_TOOL_EVENTS = {
    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bdrk_1\",\"type\":\"message\","
        + "\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,"
        + "\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":30,"
        + "\"cache_read_input_tokens\":40,\"output_tokens\":1}}}",
    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
    "{\"type\":\"content_block_stop\",\"index\":0}",
    "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
        + "\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}",
    "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
        + "\"partial_json\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}",
    "{\"type\":\"content_block_stop\",\"index\":1}",
    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
        + "\"usage\":{\"output_tokens\":7}}",
    "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":21,"
        + "\"outputTokenCount\":7,\"invocationLatency\":456,\"firstByteLatency\":100}}",
  };

  static final Usage CLAUDE_TOOL_USAGE =
      Usage.builder()
          .inputTokens(21)
          .outputTokens(7)
          .cacheReadTokens(40)
          .cacheWrite5mTokens(30)
          .build();

  static EventStreamMessage[] chunks(String... events) {
    EventStreamMessage[] frames = new EventStreamMessage[events.length];
    for (int i = 0; i < events.length; i++) {
      frames[i] = chunk(events[i]);
    }
    return frames;
  }

  /** One call of {@link UsageSink#completed}. */
  record Report(int status, Usage usage, List<String> toolCalls, String error) {}

  /** A sink that records every report. */
  static final class RecordingSink implements UsageSink {
    final List<Report> reports = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void completed(int status, Usage usage, List<String> toolCalls, String error) {
      reports.add(new Report(status, usage, toolCalls, error));
    }

    /** The only report; fails unless there is exactly one. */
    Report only() {
      if (reports.size() != 1) {
        throw new AssertionError("expected exactly one report, got " + reports);
      }
      return reports.get(0);
    }
  }
}
