package dev.aperture.bedrock.eventstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import okio.Buffer;
import okio.Source;
import okio.Timeout;

/**
 * Test fixtures for event-stream frames, built without the production codec: a bitwise CRC-32, a
 * hex reader and a raw frame writer, so a shared bug cannot make encoder and decoder agree.
 */
final class Frames {
  private Frames() {}

  /** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), one bit at a time. */
  static long crc32(byte[] data, int from, int to) {
    int crc = 0xFFFFFFFF;
    for (int i = from; i < to; i++) {
      crc ^= data[i] & 0xFF;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xEDB88320 : crc >>> 1;
      }
    }
    return ~crc & 0xFFFFFFFFL;
  }

  /** The bytes written as hex pairs, spaces ignored: {@code "00 0a ff"}. */
  static byte[] hex(String hex) {
    String digits = hex.replace(" ", "").replace("\n", "");
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** A frame around raw header and payload sections, with correct lengths and CRCs. */
  static byte[] frame(byte[] headers, byte[] payload) {
    return frameWithLengths(16 + headers.length + payload.length, headers.length, headers, payload);
  }

  /** A frame whose prelude declares the given lengths (and has a correct CRC) whatever follows. */
  static byte[] frameWithLengths(
      long totalLength, long headersLength, byte[] headers, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeU32(out, totalLength);
    writeU32(out, headersLength);
    writeU32(out, crc32(out.toByteArray(), 0, 8));
    out.writeBytes(headers);
    out.writeBytes(payload);
    byte[] body = out.toByteArray();
    writeU32(out, crc32(body, 0, body.length));
    return out.toByteArray();
  }

  /** Just the 12-byte prelude declaring these lengths, with a correct prelude CRC. */
  static byte[] prelude(long totalLength, long headersLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeU32(out, totalLength);
    writeU32(out, headersLength);
    writeU32(out, crc32(out.toByteArray(), 0, 8));
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void writeU32(ByteArrayOutputStream out, long value) {
    out.write((int) (value >>> 24));
    out.write((int) (value >>> 16));
    out.write((int) (value >>> 8));
    out.write((int) value);
  }

  /**
   * A source that hands out its chunks one read at a time (never joining two), then either ends or
   * fails, like a network body arriving in packets.
   */
  static final class ChunkedSource implements Source {
    private final Deque<byte[]> chunks;
    private final IOException failureAtEnd;
    private int offsetInHead;
    int reads;
    boolean closed;

    ChunkedSource(List<byte[]> chunks, IOException failureAtEnd) {
      this.chunks = new ArrayDeque<>(chunks);
      this.failureAtEnd = failureAtEnd;
    }

    /** {@code data} cut into pieces of at most {@code chunkBytes}. */
    static ChunkedSource of(byte[] data, int chunkBytes) {
      Deque<byte[]> pieces = new ArrayDeque<>();
      for (int i = 0; i < data.length; i += chunkBytes) {
        pieces.add(java.util.Arrays.copyOfRange(data, i, Math.min(data.length, i + chunkBytes)));
      }
      return new ChunkedSource(List.copyOf(pieces), null);
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      reads++;
      byte[] head = chunks.peekFirst();
      if (head == null) {
        if (failureAtEnd != null) {
          throw failureAtEnd;
        }
        return -1;
      }
      int n = (int) Math.min(byteCount, head.length - offsetInHead);
      sink.write(head, offsetInHead, n);
      offsetInHead += n;
      if (offsetInHead == head.length) {
        chunks.removeFirst();
        offsetInHead = 0;
      }
      return n;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
