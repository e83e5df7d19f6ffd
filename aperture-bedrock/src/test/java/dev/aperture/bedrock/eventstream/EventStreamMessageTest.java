package dev.aperture.bedrock.eventstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventStreamMessageTest {

  @Test
  void typeAccessorsReadTheBedrockHeaders() {
    EventStreamMessage message =
        EventStreamMessage.builder()
            .header(":message-type", "exception")
            .header(":exception-type", "throttlingException")
            .header(":content-type", "application/json")
            .build();

    assertEquals(Optional.of("exception"), message.messageType());
    assertEquals(Optional.of("throttlingException"), message.exceptionType());
    assertEquals(Optional.empty(), message.eventType());
    assertEquals(Optional.of("application/json"), message.stringHeader(":content-type"));
  }

  @Test
  void stringHeaderIsEmptyForAHeaderOfAnotherType() {
    EventStreamMessage message =
        EventStreamMessage.builder().header(":event-type", new HeaderValue.IntValue(7)).build();

    assertEquals(Optional.empty(), message.eventType());
    assertEquals(Optional.of(new HeaderValue.IntValue(7)), message.header(":event-type"));
  }

  @Test
  void headersKeepWireOrderAndTheFirstOfARepeatedNameWins() {
    EventStreamMessage message =
        EventStreamMessage.builder().header("b", "1").header("a", "2").header("b", "3").build();

    assertEquals(
        List.of("b", "a", "b"),
        message.headers().stream().map(EventStreamMessage.Header::name).toList());
    assertEquals(Optional.of("1"), message.stringHeader("b"));
  }

  @Test
  void changingTheInputsAfterBuildingChangesNothing() {
    byte[] payload = {1, 2, 3};
    List<EventStreamMessage.Header> headers = new ArrayList<>();
    headers.add(new EventStreamMessage.Header("a", new HeaderValue.StringValue("x")));
    EventStreamMessage message = EventStreamMessage.of(headers, payload);

    payload[0] = 9;
    headers.clear();
    message.payload()[1] = 9;

    assertArrayEquals(new byte[] {1, 2, 3}, message.payload());
    assertEquals(1, message.headers().size());
    assertThrows(UnsupportedOperationException.class, () -> message.headers().clear());
  }

  @Test
  void payloadIsReadableAsTextAndAsAStream() throws IOException {
    EventStreamMessage message =
        EventStreamMessage.builder().payloadUtf8("{\"text\":\"é\"}").build();

    assertEquals("{\"text\":\"é\"}", message.payloadUtf8());
    assertEquals(13, message.payloadSize());
    assertArrayEquals(
        "{\"text\":\"é\"}".getBytes(StandardCharsets.UTF_8),
        message.payloadStream().readAllBytes());
  }

  @Test
  void sizesCountUtf8BytesOfNamesAndValues() {
    // "ü" is 2 bytes, "🙂" is 4 (a surrogate pair), a lone surrogate is written as 1 ('?').
    EventStreamMessage message =
        EventStreamMessage.builder()
            .header("ü", "🙂")
            .header("n", "\uD800")
            .payload(new byte[5])
            .build();

    int expectedHeaders = (1 + 2 + 1 + 2 + 4) + (1 + 1 + 1 + 2 + 1);
    assertEquals(expectedHeaders, message.headersBytes());
    assertEquals(16 + expectedHeaders + 5, message.frameBytes());
  }

  @Test
  void anEmptyHeaderNameIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> EventStreamMessage.builder().header("", "x").build());
  }

  @Test
  void aHeaderNameOver255BytesIsRejected() {
    EventStreamMessage.builder().header("a".repeat(255), "x").build();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EventStreamMessage.builder().header("ü".repeat(128), "x").build());
    assertTrue(e.getMessage().contains("256"), e.getMessage());
  }

  @Test
  void aStringValueOver65535BytesIsRejected() {
    EventStreamMessage.builder().header("s", "a".repeat(65_535)).build();

    assertThrows(
        IllegalArgumentException.class,
        () -> EventStreamMessage.builder().header("s", "a".repeat(65_536)).build());
  }

  @Test
  void headersOverTheFrameLimitAreRejected() {
    EventStreamMessage.Builder builder = EventStreamMessage.builder();
    for (int i = 0; i < 3; i++) {
      builder.header("h" + i, "a".repeat(60_000));
    }

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains("131072"), e.getMessage());
  }

  @Test
  void aPayloadOverTheFrameLimitIsRejected() {
    byte[] tooBig = new byte[EventStreamMessage.MAX_PAYLOAD_BYTES + 1];

    assertThrows(
        IllegalArgumentException.class, () -> EventStreamMessage.builder().payload(tooBig).build());
  }

  @Test
  void messagesWithEqualHeadersAndPayloadAreEqual() {
    EventStreamMessage a = EventStreamMessage.builder().header("a", "x").payloadUtf8("p").build();
    EventStreamMessage b = EventStreamMessage.builder().header("a", "x").payloadUtf8("p").build();
    EventStreamMessage c = EventStreamMessage.builder().header("a", "x").payloadUtf8("q").build();

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
  }
}
