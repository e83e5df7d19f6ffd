package dev.aperture.bedrock.eventstream;

import dev.aperture.ApertureException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import okio.BufferedSink;

/**
 * Writes {@link EventStreamMessage}s as event-stream frames: {@code [total length u32][headers
 * length u32][prelude CRC32][headers][payload][message CRC32]}, big-endian, CRC-32 (IEEE) over the
 * first 8 bytes and over everything before the trailing CRC. Stateless and thread-safe.
 */
public final class EventStreamEncoder {
  private EventStreamEncoder() {}

  /** The frame for {@code message}, exactly {@link EventStreamMessage#frameBytes()} long. */
  public static byte[] encode(EventStreamMessage message) {
    byte[] frame = new byte[message.frameBytes()];
    ByteBuffer out = ByteBuffer.wrap(frame); // big-endian by default
    out.putInt(frame.length);
    out.putInt(message.headersBytes());
    CRC32 crc = new CRC32();
    crc.update(frame, 0, 8);
    out.putInt((int) crc.getValue());
    List<EventStreamMessage.Header> headers = message.headers();
    for (int i = 0, n = headers.size(); i < n; i++) {
      writeHeader(headers.get(i), out);
    }
    message.putPayload(out);
    crc.reset();
    crc.update(frame, 0, out.position());
    out.putInt((int) crc.getValue());
    return frame;
  }

  /**
   * Writes the frame for {@code message} to {@code sink} without flushing it. A failing sink is
   * reported as an {@link ApertureException} carrying the {@link IOException}.
   */
  public static void encode(EventStreamMessage message, BufferedSink sink) {
    try {
      sink.write(encode(message));
    } catch (IOException e) {
      throw new ApertureException("could not write an event-stream frame", e);
    }
  }

  private static void writeHeader(EventStreamMessage.Header header, ByteBuffer out) {
    byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
    out.put((byte) name.length);
    out.put(name);
    HeaderValue value = header.value();
    out.put((byte) value.typeCode());
    switch (value.typeCode()) {
      case 0, 1 -> {}
      case 2 -> out.put(((HeaderValue.ByteValue) value).value());
      case 3 -> out.putShort(((HeaderValue.ShortValue) value).value());
      case 4 -> out.putInt(((HeaderValue.IntValue) value).value());
      case 5 -> out.putLong(((HeaderValue.LongValue) value).value());
      case 6 -> {
        byte[] bytes = ((HeaderValue.BytesValue) value).bytes();
        out.putShort((short) bytes.length);
        out.put(bytes);
      }
      case 7 -> {
        byte[] text = ((HeaderValue.StringValue) value).value().getBytes(StandardCharsets.UTF_8);
        out.putShort((short) text.length);
        out.put(text);
      }
      case 8 -> out.putLong(((HeaderValue.TimestampValue) value).epochMillis());
      case 9 -> {
        UUID uuid = ((HeaderValue.UuidValue) value).value();
        out.putLong(uuid.getMostSignificantBits());
        out.putLong(uuid.getLeastSignificantBits());
      }
      default -> throw new AssertionError("type code " + value.typeCode());
    }
  }
}
