package dev.aperture.testing;

import dev.aperture.bedrock.eventstream.EventStreamEncoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * A streamed answer written as HTTP/1.1 chunks, one event-stream frame per chunk, flushed frame by
 * frame so the client sees each event as soon as it is "generated". Applies the reply's stream
 * faults: pause, early end, exception frame, dropped connection, corrupted CRCs.
 *
 * <p>MockWebServer runs {@link #writeTo} on the connection's own thread, so holding at a {@link
 * Pause} blocks only this answer. The server appends the (empty) trailers and final CRLF after the
 * {@code 0} chunk this body writes.
 */
final class EventStreamBody implements MockResponseBody {
  private final List<byte[]> frames;
  private final int pauseAfterFrame;
  private final Pause pause;
  private final Reply.Ending ending;
  private final byte[] exceptionFrame;
  private final BooleanSupplier stopping;

  /** {@code stopping} says whether the emulator is closing: a released pause then drops. */
  EventStreamBody(StreamScript script, Reply reply, BooleanSupplier stopping) {
    this.stopping = stopping;
    List<EventStreamMessage> messages = script.messages();
    int total = messages.size();
    int count;
    switch (reply.ending()) {
      case TRUNCATE_AFTER, EXCEPTION_AFTER, DISCONNECT_AFTER ->
          count = Math.min(reply.endingFrames(), total);
      case DROP_LAST -> count = Math.max(0, total - reply.endingFrames());
      default -> count = total;
    }
    this.frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] frame = EventStreamEncoder.encode(messages.get(i));
      int number = i + 1;
      if (number == reply.corruptMessageCrcFrame()) {
        frame[frame.length - 1] ^= (byte) 0xFF;
      }
      if (number == reply.corruptPreludeCrcFrame()) {
        frame[11] ^= (byte) 0xFF;
      }
      frames.add(frame);
    }
    this.pause = reply.pauseOrNull();
    this.pauseAfterFrame = script.firstDeltaFrame();
    this.ending = reply.ending();
    this.exceptionFrame =
        ending == Reply.Ending.EXCEPTION_AFTER
            ? EventStreamEncoder.encode(
                StreamScript.exception(reply.exceptionType(), reply.exceptionMessage()))
            : null;
  }

  /** Unknown up front: the body is chunked. */
  @Override
  public long getContentLength() {
    return -1;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    for (int i = 0; i < frames.size(); i++) {
      boolean pauseHere = pause != null && i + 1 == pauseAfterFrame;
      if (pauseHere) {
        // Reached before the flush, so a client holding this frame sees the pause reached.
        pause.markReached();
      }
      writeChunk(sink, frames.get(i));
      if (pauseHere) {
        hold(sink);
      }
    }
    if (exceptionFrame != null) {
      writeChunk(sink, exceptionFrame);
    }
    if (ending == Reply.Ending.DISCONNECT_AFTER) {
      throw drop(sink, "dropped the connection mid-stream as scripted");
    }
    sink.writeUtf8("0\r\n");
  }

  private static void writeChunk(BufferedSink sink, byte[] frame) throws IOException {
    sink.writeHexadecimalUnsignedLong(frame.length);
    sink.writeUtf8("\r\n");
    sink.write(frame);
    sink.writeUtf8("\r\n");
    sink.flush();
  }

  private void hold(BufferedSink sink) throws IOException {
    boolean released;
    try {
      released = pause.hold();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw drop(sink, "interrupted while paused");
    }
    if (!released) {
      throw drop(sink, "nobody released the pause within " + Pause.MAX_HOLD);
    }
    if (stopping.getAsBoolean()) {
      throw drop(sink, "closed while the answer was paused");
    }
  }

  /**
   * Closes the socket under {@code sink} and returns the exception that ends the exchange:
   * MockWebServer logs an {@link IOException} quietly and stops using the connection.
   */
  static IOException drop(BufferedSink sink, String why) {
    try {
      sink.close();
    } catch (IOException | RuntimeException e) {
      // Already closed or broken: the connection is gone either way.
    }
    return new IOException("BedrockEmulator " + why);
  }
}
