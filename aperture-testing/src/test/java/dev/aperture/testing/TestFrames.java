package dev.aperture.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okio.BufferedSource;

/**
 * An event-stream reader written for these tests only, sharing nothing with the production codec:
 * its own CRC-32 table, its own prelude, header and payload parsing. Both CRCs are checked on every
 * frame, so a frame that passes here is byte-for-byte well formed.
 */
final class TestFrames {
  static final ObjectMapper JSON = new ObjectMapper();

  /** CRC-32 (IEEE 802.3), reflected polynomial 0xEDB88320, table-driven. */
  private static final int[] TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      TABLE[n] = c;
    }
  }

  private TestFrames() {}

  static long crc32(byte[] data, int from, int to) {
    int c = 0xFFFFFFFF;
    for (int i = from; i < to; i++) {
      c = TABLE[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
    }
    return ~c & 0xFFFFFFFFL;
  }

  /** A CRC that does not match the bytes it covers. */
  static final class CrcMismatch extends IOException {
    private static final long serialVersionUID = 1L;
    final String which;

    CrcMismatch(String which, long expected, long actual) {
      super(
          which
              + " CRC mismatch: frame says "
              + Long.toHexString(expected)
              + ", bytes give "
              + Long.toHexString(actual));
      this.which = which;
    }
  }

  /** One decoded frame: headers in order (string values as String, others as raw objects). */
  record Frame(Map<String, Object> headers, byte[] payload, byte[] raw) {
    String header(String name) {
      Object value = headers.get(name);
      return value == null ? null : value.toString();
    }

    String eventType() {
      return header(":event-type");
    }

    String payloadUtf8() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    JsonNode json() throws IOException {
      return JSON.readTree(payload);
    }

    /** For {@code chunk} frames: the Anthropic event inside {@code bytes}. */
    JsonNode chunkEvent() throws IOException {
      return JSON.readTree(Base64.getDecoder().decode(json().get("bytes").asText()));
    }
  }

  /** The frame in {@code bytes}, which must hold exactly one. */
  static Frame parse(byte[] bytes) throws IOException {
    okio.Buffer buffer = new okio.Buffer().write(bytes);
    Frame frame = read(buffer);
    if (!buffer.exhausted()) {
      throw new IOException("trailing bytes after the frame");
    }
    return frame;
  }

  /**
   * Reads one frame; null when the source ends cleanly before it. An end inside a frame is an
   * {@link EOFException}; a bad CRC a {@link CrcMismatch}.
   */
  static Frame read(BufferedSource source) throws IOException {
    if (source.exhausted()) {
      return null;
    }
    byte[] prelude = source.readByteArray(12);
    long total = u32(prelude, 0);
    long headersLength = u32(prelude, 4);
    long preludeCrc = u32(prelude, 8);
    long actual = crc32(prelude, 0, 8);
    if (actual != preludeCrc) {
      throw new CrcMismatch("prelude", preludeCrc, actual);
    }
    if (total < 16 || headersLength > total - 16) {
      throw new IOException("impossible lengths " + total + "/" + headersLength);
    }
    byte[] raw = new byte[(int) total];
    System.arraycopy(prelude, 0, raw, 0, 12);
    byte[] rest = source.readByteArray(total - 12);
    System.arraycopy(rest, 0, raw, 12, rest.length);
    long messageCrc = u32(raw, raw.length - 4);
    actual = crc32(raw, 0, raw.length - 4);
    if (actual != messageCrc) {
      throw new CrcMismatch("message", messageCrc, actual);
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    int at = 12;
    int end = 12 + (int) headersLength;
    while (at < end) {
      int nameLength = raw[at++] & 0xFF;
      String name = new String(raw, at, nameLength, StandardCharsets.UTF_8);
      at += nameLength;
      int type = raw[at++];
      Object value;
      switch (type) {
        case 0 -> value = Boolean.TRUE;
        case 1 -> value = Boolean.FALSE;
        case 2 -> value = raw[at++];
        case 3 -> {
          value = (short) ((raw[at] & 0xFF) << 8 | (raw[at + 1] & 0xFF));
          at += 2;
        }
        case 4 -> {
          value = (int) u32(raw, at);
          at += 4;
        }
        case 5, 8 -> {
          value = u32(raw, at) << 32 | u32(raw, at + 4);
          at += 8;
        }
        case 6, 7 -> {
          int length = (raw[at] & 0xFF) << 8 | (raw[at + 1] & 0xFF);
          at += 2;
          value =
              type == 7
                  ? new String(raw, at, length, StandardCharsets.UTF_8)
                  : Arrays.copyOfRange(raw, at, at + length);
          at += length;
        }
        case 9 -> {
          value = Arrays.copyOfRange(raw, at, at + 16);
          at += 16;
        }
        default -> throw new IOException("unknown header type " + type);
      }
      headers.put(name, value);
    }
    if (at != end) {
      throw new IOException("headers overrun their declared length");
    }
    byte[] payload = Arrays.copyOfRange(raw, end, raw.length - 4);
    return new Frame(headers, payload, raw);
  }

  /** Every frame until the source ends cleanly. */
  static List<Frame> readAll(BufferedSource source) throws IOException {
    List<Frame> frames = new ArrayList<>();
    for (Frame f = read(source); f != null; f = read(source)) {
      frames.add(f);
    }
    return frames;
  }

  static long u32(byte[] b, int at) {
    return ((long) (b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  /** The bytes written as hex pairs, whitespace ignored. */
  static byte[] hex(String hex) {
    String digits = hex.replaceAll("\\s", "");
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
