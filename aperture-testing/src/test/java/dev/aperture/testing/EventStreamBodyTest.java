package dev.aperture.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.BedrockErrorType;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stream faults a {@link Reply} can script, observed from a plain HTTP client. */
@Timeout(30)
class EventStreamBodyTest {
  private static final List<String> CONVERSE_SEQUENCE =
      List.of(
          "messageStart",
          "contentBlockDelta",
          "contentBlockDelta",
          "contentBlockStop",
          "messageStop",
          "metadata");

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  private static List<String> eventTypes(List<TestFrames.Frame> frames) {
    return frames.stream().map(TestFrames.Frame::eventType).toList();
  }

  @Test
  void theFirstDeltaIsReadableBeforeThePauseIsReleased() throws Exception {
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("Hello", " world").pauseAfterFirstDelta(pause));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      BufferedSource source = response.body().source();
      assertEquals("messageStart", TestFrames.read(source).eventType());
      TestFrames.Frame delta = TestFrames.read(source);
      assertEquals("Hello", delta.json().at("/delta/text").asText());
      // The client holds the first delta while the emulator is still waiting.
      assertTrue(pause.awaitReached(Duration.ofSeconds(10)));
      assertFalse(pause.isReleased());

      pause.release();
      List<TestFrames.Frame> rest = TestFrames.readAll(source);
      assertEquals(CONVERSE_SEQUENCE.subList(2, 6), eventTypes(rest));
      assertEquals(" world", rest.get(0).json().at("/delta/text").asText());
    }
  }

  @Test
  void invokeStreamsPauseAfterTheFirstContentBlockDelta() throws Exception {
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("Hello", " world").pauseAfterFirstDelta(pause));
    try (Response response =
        Calls.send(bedrock, BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM)) {
      BufferedSource source = response.body().source();
      List<String> types = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        types.add(TestFrames.read(source).chunkEvent().get("type").asText());
      }
      assertEquals(List.of("message_start", "content_block_start", "content_block_delta"), types);
      assertTrue(pause.awaitReached(Duration.ofSeconds(10)));
      assertFalse(pause.isReleased());
      pause.release();
      assertEquals(4, TestFrames.readAll(source).size());
    }
  }

  @Test
  void aPausedNonStreamingAnswerArrivesOnlyAfterRelease() throws Exception {
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("held").pauseAfterFirstDelta(pause));
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () -> {
              try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
                return r.code();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(pause.awaitReached(Duration.ofSeconds(10)));
    // The emulator holds the whole answer before its headers, so nothing can have arrived.
    assertFalse(status.isDone());
    pause.release();
    assertEquals(200, status.get(10, TimeUnit.SECONDS));
  }

  @Test
  void closingTheEmulatorLetsAHeldAnswerGo() throws Exception {
    Pause pause = Pause.create();
    try (BedrockEmulator own = BedrockEmulator.create().start()) {
      own.enqueue(Reply.text("a", "b").pauseAfterFirstDelta(pause));
      try (Response response = Calls.send(own, BedrockOperation.CONVERSE_STREAM)) {
        BufferedSource source = response.body().source();
        TestFrames.read(source);
        TestFrames.read(source);
        assertTrue(pause.awaitReached(Duration.ofSeconds(10)));
        own.close();
        assertTrue(pause.isReleased());
        assertThrows(IOException.class, () -> TestFrames.readAll(source));
      }
    }
  }

  @Test
  void truncatedStreamsEndCleanlyBeforeMessageStop() throws Exception {
    bedrock.enqueue(Reply.text("Hello", " world").truncateAfterFrames(3));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      BufferedSource source = response.body().source();
      List<TestFrames.Frame> frames = TestFrames.readAll(source);
      assertEquals(CONVERSE_SEQUENCE.subList(0, 3), eventTypes(frames));
      assertTrue(source.exhausted(), "the body ends at a frame boundary");
    }
  }

  @Test
  void droppingTheLastTwoFramesLosesTheStopAndTheUsageInBothStreams() throws Exception {
    bedrock.defaultReply(Reply.text("Hello", " world").dropLastFrames(2));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      assertEquals(
          CONVERSE_SEQUENCE.subList(0, 4),
          eventTypes(TestFrames.readAll(response.body().source())));
    }
    try (Response response =
        Calls.send(bedrock, BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM)) {
      List<String> types = new ArrayList<>();
      for (TestFrames.Frame frame : TestFrames.readAll(response.body().source())) {
        types.add(frame.chunkEvent().get("type").asText());
      }
      assertEquals(
          List.of(
              "message_start",
              "content_block_start",
              "content_block_delta",
              "content_block_delta",
              "content_block_stop"),
          types);
    }
  }

  @Test
  void aCorruptMessageCrcFailsExactlyTheScriptedFrame() throws Exception {
    bedrock.enqueue(Reply.text("Hello", " world").corruptMessageCrcInFrame(3));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      BufferedSource source = response.body().source();
      TestFrames.read(source);
      TestFrames.read(source);
      TestFrames.CrcMismatch bad =
          assertThrows(TestFrames.CrcMismatch.class, () -> TestFrames.read(source));
      assertEquals("message", bad.which);
    }
  }

  @Test
  void aCorruptPreludeCrcFailsExactlyTheScriptedFrame() throws Exception {
    bedrock.enqueue(Reply.text("Hello", " world").corruptPreludeCrcInFrame(2));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      BufferedSource source = response.body().source();
      TestFrames.read(source);
      TestFrames.CrcMismatch bad =
          assertThrows(TestFrames.CrcMismatch.class, () -> TestFrames.read(source));
      assertEquals("prelude", bad.which);
    }
  }

  @Test
  void anExceptionFrameMidStreamEndsTheStream() throws Exception {
    bedrock.enqueue(
        Reply.text("Hello", " world")
            .exceptionAfterFrames(2, BedrockErrorType.THROTTLING, "Too many tokens, slow down."));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      assertEquals(200, response.code());
      List<TestFrames.Frame> frames = TestFrames.readAll(response.body().source());
      assertEquals(3, frames.size());
      TestFrames.Frame exception = frames.get(2);
      assertEquals("exception", exception.header(":message-type"));
      assertEquals("throttlingException", exception.header(":exception-type"));
      assertEquals("application/json", exception.header(":content-type"));
      assertNull(exception.eventType());
      assertEquals("{\"message\":\"Too many tokens, slow down.\"}", exception.payloadUtf8());
    }
  }

  @Test
  void modelStreamErrorsUseTheirLowerCamelExceptionType() throws Exception {
    bedrock.enqueue(
        Reply.text("x").exceptionAfterFrames(1, BedrockErrorType.MODEL_STREAM_ERROR, "broke"));
    try (Response response =
        Calls.send(bedrock, BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM)) {
      List<TestFrames.Frame> frames = TestFrames.readAll(response.body().source());
      assertEquals(2, frames.size());
      assertEquals("modelStreamErrorException", frames.get(1).header(":exception-type"));
    }
  }

  @Test
  void aDisconnectMidStreamIsAnIoErrorNotACleanEnd() throws Exception {
    bedrock.enqueue(Reply.text("Hello", " world").disconnectAfterFrames(2));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      BufferedSource source = response.body().source();
      assertEquals("messageStart", TestFrames.read(source).eventType());
      assertEquals("contentBlockDelta", TestFrames.read(source).eventType());
      IOException cut = assertThrows(IOException.class, () -> TestFrames.read(source));
      assertFalse(cut instanceof TestFrames.CrcMismatch);
    }
    // The emulator keeps serving on new connections.
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, response.code());
    }
  }

  @Test
  void aDisconnectAtTheStartGivesNoResponseAtAll() throws Exception {
    bedrock.failNext(1, Failure.disconnect());
    assertThrows(IOException.class, () -> Calls.send(bedrock, BedrockOperation.CONVERSE));
    assertEquals(0, bedrock.takeRequest().status());
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, response.code());
    }
  }

  @Test
  void aDisconnectDuringAJsonBodyCutsItHalfway() throws Exception {
    bedrock.enqueue(Reply.text("Hello").disconnectAfterFrames(0));
    try (Response response = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(200, response.code());
      assertThrows(IOException.class, () -> response.body().string());
    }
  }

  @Test
  void aSlowFirstByteTripsAShortReadTimeout() throws Exception {
    bedrock.enqueue(Reply.text("late").delayFirstByte(Duration.ofSeconds(5)));
    OkHttpClient impatient = Calls.CLIENT.newBuilder().readTimeout(Duration.ofMillis(200)).build();
    long start = System.nanoTime();
    assertThrows(
        InterruptedIOException.class,
        () ->
            impatient
                .newCall(
                    Calls.post(
                        Calls.url(bedrock, Calls.HAIKU, BedrockOperation.CONVERSE),
                        Calls.CONVERSE_BODY,
                        BedrockEmulator.DEFAULT_API_KEY))
                .execute());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
  }

  @Test
  void aModestFirstByteDelayStillAnswers() throws Exception {
    bedrock.enqueue(Reply.text("late").delayFirstByte(Duration.ofMillis(300)));
    long start = System.nanoTime();
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, response.code());
    }
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);
  }

  @Test
  void framesAreWellFormedByteForByteAndCorruptionTouchesOnlyTheCrc() throws Exception {
    bedrock.enqueue(Reply.text("Hi"));
    bedrock.enqueue(Reply.text("Hi").corruptMessageCrcInFrame(2));
    byte[] good;
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      List<TestFrames.Frame> frames = TestFrames.readAll(response.body().source());
      good = frames.get(1).raw();
      for (TestFrames.Frame frame : frames) {
        byte[] raw = frame.raw();
        assertEquals(raw.length, TestFrames.u32(raw, 0), "total length");
        assertEquals(TestFrames.crc32(raw, 0, 8), TestFrames.u32(raw, 8), "prelude CRC");
        assertEquals(TestFrames.crc32(raw, 0, raw.length - 4), TestFrames.u32(raw, raw.length - 4));
      }
    }
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      BufferedSource source = response.body().source();
      TestFrames.read(source);
      byte[] prelude = source.readByteArray(12);
      byte[] bad = new byte[(int) TestFrames.u32(prelude, 0)];
      System.arraycopy(prelude, 0, bad, 0, 12);
      System.arraycopy(source.readByteArray(bad.length - 12), 0, bad, 12, bad.length - 12);
      // Same delta (padding aside), same structure; only the final CRC byte is wrong.
      assertEquals(
          TestFrames.crc32(bad, 0, bad.length - 4) & 0xFF ^ 0xFF, bad[bad.length - 1] & 0xFF);
      assertEquals(
          TestFrames.crc32(bad, 0, bad.length - 4) >>> 8,
          TestFrames.u32(bad, bad.length - 4) >>> 8);
      assertNotEquals(0, good.length);
      assertArrayEquals(
          java.util.Arrays.copyOfRange(good, 12, 30), java.util.Arrays.copyOfRange(bad, 12, 30));
    }
  }

  @Test
  void anEndInsideAFrameIsAnEofForTheIndependentReader() {
    byte[] frame = TestFrames.hex("00 00 00 10 00 00 00 00 05 c2 48 eb 7d 98 c8 ff");
    okio.Buffer half = new okio.Buffer().write(frame, 0, 10);
    assertThrows(EOFException.class, () -> TestFrames.read(half));
  }
}
