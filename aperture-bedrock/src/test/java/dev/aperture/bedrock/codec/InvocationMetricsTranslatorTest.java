package dev.aperture.bedrock.codec;

import static dev.aperture.bedrock.codec.AnthropicStreamTranslatorTest.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.StreamException;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvocationMetricsTranslatorTest {
  @Test
  void onlyTheInvocationMetricsProduceAnEvent() {
    StreamTranslator t = StreamTranslator.invocationMetrics();
    List<ChatEvent> out = new ArrayList<>();

    t.accept(chunk("{\"generation\":\"Hello\",\"prompt_token_count\":null}"), out);
    assertTrue(out.isEmpty());
    assertFalse(t.isComplete());

    t.accept(
        chunk(
            "{\"generation\":\"\",\"stop_reason\":\"stop\",\"amazon-bedrock-invocationMetrics\":"
                + "{\"inputTokenCount\":17,\"outputTokenCount\":5,\"invocationLatency\":321,"
                + "\"firstByteLatency\":90,\"cacheReadInputTokenCount\":4,"
                + "\"cacheWriteInputTokenCount\":2}}"),
        out);

    assertTrue(t.isComplete());
    assertEquals(
        List.of(
            new ChatEvent.Finish(
                StopReason.OTHER,
                null,
                null,
                Usage.builder()
                    .inputTokens(17)
                    .outputTokens(5)
                    .cacheReadTokens(4)
                    .cacheWrite5mTokens(2)
                    .build(),
                null,
                null,
                321L)),
        out);
  }

  @Test
  void exceptionFramesAndBadChunksThrow() {
    EventStreamMessage exception =
        EventStreamMessage.builder()
            .header(":message-type", "exception")
            .header(":exception-type", "modelTimeoutException")
            .payloadUtf8("{\"message\":\"slow\"}")
            .build();
    EventStreamMessage badChunk =
        EventStreamMessage.builder()
            .header(":message-type", "event")
            .header(":event-type", "chunk")
            .payloadUtf8("{\"nobytes\":1}")
            .build();

    StreamException e =
        assertThrows(
            StreamException.class,
            () -> StreamTranslator.invocationMetrics().accept(exception, new ArrayList<>()));
    assertEquals(StreamException.Kind.UPSTREAM_ERROR, e.kind());
    assertThrows(
        StreamException.class,
        () -> StreamTranslator.invocationMetrics().accept(badChunk, new ArrayList<>()));
  }
}
