package dev.aperture.bedrock.eventstream;

import static dev.aperture.bedrock.eventstream.EventStreamMessage.MAX_HEADERS_BYTES;
import static dev.aperture.bedrock.eventstream.EventStreamMessage.MAX_PAYLOAD_BYTES;
import static dev.aperture.bedrock.eventstream.EventStreamMessage.OVERHEAD_BYTES;
import static dev.aperture.bedrock.eventstream.EventStreamMessage.PRELUDE_BYTES;

import dev.aperture.StreamException;
import dev.aperture.StreamException.Kind;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;

/**
 * Reads event-stream frames one at a time from an Okio source, such as an OkHttp response body.
 *
 * <p>{@link #next()} blocks on the caller's thread until one whole frame is buffered, checks both
 * CRCs and the size limits, and returns the message. Memory is bounded by one frame (the limits cap
 * it near 24 MiB) plus Okio's read-ahead; the stream as a whole is never buffered, and no other
 * thread is involved. Every failure is a {@link StreamException}: {@link Kind#BAD_FRAME} for a
 * checksum mismatch or malformed lengths or headers, {@link Kind#OVERSIZED} for a frame over the
 * limits, {@link Kind#TRUNCATED} when the source ends or fails inside a frame (or fails between
 * frames: the connection broke), {@link Kind#CLOSED} when the source was closed under it, say by
 * another thread cancelling the call. After a failure the decoder stays failed: frames cannot be
 * resynchronised.
 *
 * <p>Not thread-safe: one decoder belongs to one reader. {@link #close()} closes the source.
 */
public final class EventStreamDecoder implements Closeable {
  private static final int STRING_CACHE_SLOTS = 64; // power of two
  private static final int CACHED_STRING_MAX_BYTES = 48;
  private static final int HEADERS_CACHE_SLOTS = 32; // power of two
  private static final int CACHED_HEADERS_MAX_BYTES = 192;

  // Racy by design: a slot holds an immutable entry or null, and a lost update is only a miss.
  private static final CachedHeaders[] HEADERS_CACHE = new CachedHeaders[HEADERS_CACHE_SLOTS];

  private final BufferedSource source;
  private final CRC32 crc = new CRC32();
  private final byte[] prelude = new byte[PRELUDE_BYTES];
  private final byte[] trailer = new byte[4];
  private byte[] headerBytes; // the headers section of a frame too large for the kept buffer
  private byte[] frame = new byte[256]; // a frame after its prelude, grown up to the limit below

  /** Frames up to this size after their prelude are read through {@link #frame} in one read. */
  private static final int MAX_KEPT_FRAME_BYTES = 64 * 1024;

  // Header names and short values repeat in every frame (":event-type", "contentBlockDelta",
  // "application/json"): a direct-mapped cache turns them into shared strings without decoding.
  // Made on first use: a stream whose header sections are all in HEADERS_CACHE never needs it.
  private byte[][] cachedKeys;
  private String[] cachedStrings;

  private CachedHeaders lastHeaders; // the section of the frame before, if it was kept

  private long frameOffset; // bytes consumed before the current frame, for error messages
  private StreamException failure;
  private boolean closed;

  private EventStreamDecoder(BufferedSource source) {
    this.source = source;
  }

  /** A decoder reading from {@code source}; closing the decoder closes it. */
  public static EventStreamDecoder create(BufferedSource source) {
    return new EventStreamDecoder(Objects.requireNonNull(source, "source"));
  }

  /** A decoder reading from {@code in}; closing the decoder closes it. */
  public static EventStreamDecoder create(InputStream in) {
    return create(Okio.buffer(Okio.source(in)));
  }

  /** A decoder over frames already in memory. */
  public static EventStreamDecoder create(byte[] frames) {
    return create(new Buffer().write(frames));
  }

  /** Every message in {@code frames}, which must end at a frame boundary. */
  public static List<EventStreamMessage> decodeAll(byte[] frames) {
    List<EventStreamMessage> messages = new ArrayList<>();
    try (EventStreamDecoder decoder = create(frames)) {
      for (EventStreamMessage m; (m = decoder.next()) != null; ) {
        messages.add(m);
      }
    }
    return messages;
  }

  /**
   * The next message, or null if the source ended cleanly at a frame boundary (and on every call
   * after that).
   *
   * @throws StreamException if the frame is corrupt, too large or cut off, if an earlier call
   *     failed ({@link StreamException#getCause()} is that failure), or if the decoder was closed
   *     ({@link Kind#CLOSED})
   */
  public EventStreamMessage next() {
    return next(false);
  }

  /**
   * The next message as {@link #next()} reads it, but its payload is a view of this decoder's frame
   * buffer rather than an array of its own: the message is valid only until the next call to {@code
   * next} or {@code nextView} (which may overwrite its payload). For a reader that handles each
   * message before it reads the next, it saves an allocation and a copy per frame; copy anything
   * you keep ({@link EventStreamMessage#payload()} returns a copy). Frames over 64 KB still get an
   * array of their own.
   *
   * @throws StreamException as {@link #next()} does
   */
  public EventStreamMessage nextView() {
    return next(true);
  }

  private EventStreamMessage next(boolean view) {
    if (closed) {
      throw new StreamException(Kind.CLOSED, "the event-stream decoder was closed");
    }
    if (failure != null) {
      throw new StreamException(
          failure.kind(), "the event stream already failed: " + failure.getMessage(), failure);
    }
    try {
      return readFrame(view);
    } catch (StreamException e) {
      failure = e;
      throw e;
    }
  }

  /** Closes the source. Idempotent; a failure to close is ignored, as the stream is done. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      source.close();
    } catch (IOException ignored) {
      // Nothing more will be read; a close failure changes nothing for the caller.
    }
  }

  private EventStreamMessage readFrame(boolean view) {
    Buffer buffer = source.getBuffer();
    try {
      if (source.exhausted()) {
        return null;
      }
      source.require(PRELUDE_BYTES);
    } catch (EOFException e) {
      throw truncated(
          "the stream ended inside a frame prelude: "
              + buffer.size()
              + " of "
              + PRELUDE_BYTES
              + " bytes",
          e);
    } catch (IOException e) {
      throw truncated("reading the next frame failed: " + e, e);
    } catch (IllegalStateException e) {
      throw sourceClosed(e);
    }
    readFromBuffer(buffer, prelude, PRELUDE_BYTES);

    crc.reset();
    crc.update(prelude, 0, 8);
    long preludeCrc = crc.getValue();
    long declaredPreludeCrc = readU32(prelude, 8);
    if (preludeCrc != declaredPreludeCrc) {
      throw badFrame(
          String.format(
              "prelude CRC mismatch: frame says %08x, computed %08x",
              declaredPreludeCrc, preludeCrc));
    }
    crc.update(prelude, 8, 4);

    long totalLength = readU32(prelude, 0);
    long headersLength = readU32(prelude, 4);
    if (totalLength < OVERHEAD_BYTES) {
      throw badFrame("total length " + totalLength + " is below the minimum " + OVERHEAD_BYTES);
    }
    if (headersLength > totalLength - OVERHEAD_BYTES) {
      throw badFrame(
          "headers length " + headersLength + " does not fit in total length " + totalLength);
    }
    if (headersLength > MAX_HEADERS_BYTES) {
      throw new StreamException(
          Kind.OVERSIZED,
          at("headers length " + headersLength + " exceeds the limit " + MAX_HEADERS_BYTES));
    }
    long payloadLength = totalLength - OVERHEAD_BYTES - headersLength;
    if (payloadLength > MAX_PAYLOAD_BYTES) {
      throw new StreamException(
          Kind.OVERSIZED,
          at("payload length " + payloadLength + " exceeds the limit " + MAX_PAYLOAD_BYTES));
    }

    long restLength = totalLength - PRELUDE_BYTES;
    try {
      source.require(restLength);
    } catch (EOFException e) {
      throw truncated(
          "the stream ended inside a frame of "
              + totalLength
              + " bytes, after "
              + (PRELUDE_BYTES + buffer.size()),
          e);
    } catch (IOException e) {
      throw truncated("reading a frame of " + totalLength + " bytes failed: " + e, e);
    } catch (IllegalStateException e) {
      throw sourceClosed(e);
    }

    int headersSize = (int) headersLength;
    int payloadSize = (int) payloadLength;
    int rest = headersSize + payloadSize + 4;
    byte[] sectionBytes;
    byte[] payload = EventStreamMessage.EMPTY;
    long declaredMessageCrc;
    if (rest <= MAX_KEPT_FRAME_BYTES) {
      // the usual frame: headers, payload and CRC in one read into a kept buffer
      if (frame.length < rest) {
        frame = new byte[Math.min(MAX_KEPT_FRAME_BYTES, Math.max(rest, frame.length * 2))];
      }
      readFromBuffer(buffer, frame, rest);
      crc.update(frame, 0, headersSize + payloadSize);
      if (payloadSize > 0 && !view) {
        payload = Arrays.copyOfRange(frame, headersSize, headersSize + payloadSize);
      }
      declaredMessageCrc = readU32(frame, headersSize + payloadSize);
      sectionBytes = frame;
    } else {
      // a large payload is read straight into its own array, not through the kept buffer
      if (headerBytes == null || headerBytes.length < headersSize) {
        headerBytes = new byte[headersSize];
      }
      readFromBuffer(buffer, headerBytes, headersSize);
      crc.update(headerBytes, 0, headersSize);
      if (payloadSize > 0) {
        payload = new byte[payloadSize];
        readFromBuffer(buffer, payload, payload.length);
        crc.update(payload, 0, payload.length);
      }
      readFromBuffer(buffer, trailer, 4);
      declaredMessageCrc = readU32(trailer, 0);
      sectionBytes = headerBytes;
    }

    long messageCrc = crc.getValue();
    if (messageCrc != declaredMessageCrc) {
      throw badFrame(
          String.format(
              "message CRC mismatch: frame says %08x, computed %08x",
              declaredMessageCrc, messageCrc));
    }

    List<EventStreamMessage.Header> headers = headers(sectionBytes, headersSize);
    frameOffset += totalLength;
    if (view && sectionBytes == frame) {
      return new EventStreamMessage(headers, frame, headersSize, payloadSize, headersSize);
    }
    return new EventStreamMessage(headers, payload, headersSize);
  }

  /** Copies {@code length} bytes that {@code require} already placed in the buffer. */
  private static void readFromBuffer(Buffer buffer, byte[] target, int length) {
    int offset = 0;
    while (offset < length) {
      // Buffer.read copies from one segment at a time, so it may return less than asked.
      offset += buffer.read(target, offset, length - offset);
    }
  }

  /**
   * The headers in {@code b[0, length)}, unmodifiable. A stream repeats a handful of headers
   * sections (a ConverseStream sends the same three headers with every {@code contentBlockDelta}):
   * a small cache shared by all decoders keeps the parsed list of each recent section, keyed by its
   * exact bytes, so that a repeated section costs one comparison and no allocation. Sections with a
   * bytes header are not kept.
   */
  private List<EventStreamMessage.Header> headers(byte[] b, int length) {
    if (length > CACHED_HEADERS_MAX_BYTES) {
      return Collections.unmodifiableList(parseHeaders(b, length));
    }
    CachedHeaders last = lastHeaders;
    if (last != null && Arrays.equals(last.bytes, 0, last.bytes.length, b, 0, length)) {
      return last.headers; // most frames repeat the one before (a run of deltas)
    }
    int slot = hash(b, length) & (HEADERS_CACHE_SLOTS - 1);
    CachedHeaders cached = HEADERS_CACHE[slot];
    if (cached != null && Arrays.equals(cached.bytes, 0, cached.bytes.length, b, 0, length)) {
      lastHeaders = cached;
      return cached.headers;
    }
    List<EventStreamMessage.Header> parsed = Collections.unmodifiableList(parseHeaders(b, length));
    for (EventStreamMessage.Header h : parsed) {
      if (h.value() instanceof HeaderValue.BytesValue) {
        return parsed;
      }
    }
    HEADERS_CACHE[slot] = lastHeaders = new CachedHeaders(Arrays.copyOf(b, length), parsed);
    return parsed;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A hash of {@code b[0, length)}, eight bytes a step. */
  private static int hash(byte[] b, int length) {
    long h = length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < length; i++) {
      h = (h ^ b[i]) * 0x9E3779B97F4A7C15L;
    }
    h ^= h >>> 32;
    return (int) (h ^ (h >>> 16));
  }

  /** A headers section and its parsed, unmodifiable headers; final fields: safely shared. */
  private static final class CachedHeaders {
    final byte[] bytes;
    final List<EventStreamMessage.Header> headers;

    CachedHeaders(byte[] bytes, List<EventStreamMessage.Header> headers) {
      this.bytes = bytes;
      this.headers = headers;
    }
  }

  private List<EventStreamMessage.Header> parseHeaders(byte[] b, int length) {
    List<EventStreamMessage.Header> headers = new ArrayList<>(4);
    int pos = 0;
    while (pos < length) {
      int nameLength = b[pos] & 0xFF;
      if (nameLength == 0) {
        throw badFrame("header at offset " + pos + " has an empty name");
      }
      if (pos + 1 + nameLength + 1 > length) {
        throw badFrame("header name at offset " + pos + " overruns the headers section");
      }
      String name = string(b, pos + 1, nameLength);
      pos += 1 + nameLength;
      int type = b[pos++];
      HeaderValue value;
      switch (type) {
        case 0 -> value = HeaderValue.BoolValue.TRUE;
        case 1 -> value = HeaderValue.BoolValue.FALSE;
        case 2 -> {
          need(pos, 1, length, name);
          value = new HeaderValue.ByteValue(b[pos]);
          pos += 1;
        }
        case 3 -> {
          need(pos, 2, length, name);
          value = new HeaderValue.ShortValue((short) ((b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF)));
          pos += 2;
        }
        case 4 -> {
          need(pos, 4, length, name);
          value = new HeaderValue.IntValue((int) readU32(b, pos));
          pos += 4;
        }
        case 5 -> {
          need(pos, 8, length, name);
          value = new HeaderValue.LongValue(readI64(b, pos));
          pos += 8;
        }
        case 6, 7 -> {
          need(pos, 2, length, name);
          int valueLength = (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
          pos += 2;
          need(pos, valueLength, length, name);
          value =
              type == 6
                  ? new HeaderValue.BytesValue(Arrays.copyOfRange(b, pos, pos + valueLength))
                  : new HeaderValue.StringValue(string(b, pos, valueLength));
          pos += valueLength;
        }
        case 8 -> {
          need(pos, 8, length, name);
          value = new HeaderValue.TimestampValue(readI64(b, pos));
          pos += 8;
        }
        case 9 -> {
          need(pos, 16, length, name);
          value = new HeaderValue.UuidValue(new UUID(readI64(b, pos), readI64(b, pos + 8)));
          pos += 16;
        }
        default -> throw badFrame("header '" + name + "' has unknown type " + (type & 0xFF));
      }
      headers.add(new EventStreamMessage.Header(name, value));
    }
    return headers;
  }

  private void need(int pos, int count, int length, String name) {
    if (pos + count > length) {
      throw badFrame("value of header '" + name + "' overruns the headers section");
    }
  }

  /** The UTF-8 string at {@code b[offset, offset + length)}, shared if it was seen recently. */
  private String string(byte[] b, int offset, int length) {
    if (length > CACHED_STRING_MAX_BYTES) {
      return new String(b, offset, length, StandardCharsets.UTF_8);
    }
    int hash = length;
    for (int i = offset, end = offset + length; i < end; i++) {
      hash = 31 * hash + b[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (STRING_CACHE_SLOTS - 1);
    if (cachedKeys == null) {
      cachedKeys = new byte[STRING_CACHE_SLOTS][];
      cachedStrings = new String[STRING_CACHE_SLOTS];
    }
    byte[] key = cachedKeys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, b, offset, offset + length)) {
      return cachedStrings[slot];
    }
    String s = new String(b, offset, length, StandardCharsets.UTF_8);
    cachedKeys[slot] = Arrays.copyOfRange(b, offset, offset + length);
    cachedStrings[slot] = s;
    return s;
  }

  private static long readU32(byte[] b, int pos) {
    return ((b[pos] & 0xFFL) << 24)
        | ((b[pos + 1] & 0xFFL) << 16)
        | ((b[pos + 2] & 0xFFL) << 8)
        | (b[pos + 3] & 0xFFL);
  }

  private static long readI64(byte[] b, int pos) {
    return readU32(b, pos) << 32 | readU32(b, pos + 4);
  }

  private StreamException badFrame(String message) {
    return new StreamException(Kind.BAD_FRAME, at(message));
  }

  private StreamException truncated(String message, IOException cause) {
    return new StreamException(Kind.TRUNCATED, at(message), cause);
  }

  /** Okio throws IllegalStateException when the source was closed, e.g. by another thread. */
  private StreamException sourceClosed(IllegalStateException e) {
    return new StreamException(Kind.CLOSED, at("the event-stream source was closed"), e);
  }

  private String at(String message) {
    return message + " (frame at stream offset " + frameOffset + ")";
  }
}
