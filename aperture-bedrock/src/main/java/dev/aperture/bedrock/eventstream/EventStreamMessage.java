package dev.aperture.bedrock.eventstream;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One event-stream message: headers in wire order (names may repeat) and a payload. Immutable and
 * safe to share between threads.
 *
 * <p>Messages built here are checked against the format's limits, so every message can be encoded:
 * header names 1 to 255 UTF-8 bytes, string and bytes values up to 65,535 bytes, all headers
 * together up to {@value #MAX_HEADERS_BYTES} bytes, the payload up to {@value #MAX_PAYLOAD_BYTES}
 * bytes.
 */
public final class EventStreamMessage {
  /** Total length, headers length and prelude CRC, each a big-endian u32. */
  public static final int PRELUDE_BYTES = 12;

  /** Prelude plus the trailing message CRC: the size of a message with no headers or payload. */
  public static final int OVERHEAD_BYTES = 16;

  /** The largest headers section a frame may carry (128 KiB). */
  public static final int MAX_HEADERS_BYTES = 128 * 1024;

  /** The largest payload a frame may carry (24 MiB). */
  public static final int MAX_PAYLOAD_BYTES = 24 * 1024 * 1024;

  /** Header name: {@code event}, {@code exception} or {@code error}. */
  public static final String MESSAGE_TYPE = ":message-type";

  /** Header name: which event an {@code event} message carries. */
  public static final String EVENT_TYPE = ":event-type";

  /** Header name: which exception an {@code exception} message carries. */
  public static final String EXCEPTION_TYPE = ":exception-type";

  /** Header name: the payload's media type, e.g. {@code application/json}. */
  public static final String CONTENT_TYPE = ":content-type";

  static final byte[] EMPTY = new byte[0];

  /** One named header. The name is checked when the header is put into a message. */
  public record Header(String name, HeaderValue value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  private final List<Header> headers;
  private final byte[] payload; // the payload is payloadLength bytes of it from payloadOffset
  private final int payloadOffset;
  private final int payloadLength;
  private final int headersBytes;

  /**
   * Trusted: the decoder passes an array it never touches again and a list nobody modifies (an
   * unmodifiable one, possibly shared between messages, which wrapping again returns as is).
   */
  EventStreamMessage(List<Header> headers, byte[] payload, int headersBytes) {
    this(headers, payload, 0, payload.length, headersBytes);
  }

  /**
   * Trusted: the payload is {@code length} bytes of {@code array} from {@code offset}. The decoder
   * passes its own frame buffer for {@link EventStreamDecoder#nextView()}, whose messages are valid
   * until the next frame is read; any other array must never be touched again.
   */
  EventStreamMessage(List<Header> headers, byte[] array, int offset, int length, int headersBytes) {
    this.headers = Collections.unmodifiableList(headers);
    this.payload = length == 0 ? EMPTY : array;
    this.payloadOffset = length == 0 ? 0 : offset;
    this.payloadLength = length;
    this.headersBytes = headersBytes;
  }

  /** A message with these headers (in this order) and a copy of {@code payload}. */
  public static EventStreamMessage of(List<Header> headers, byte[] payload) {
    List<Header> copy = new ArrayList<>(headers);
    int size = 0;
    for (Header h : copy) {
      size += encodedSize(h);
    }
    if (size > MAX_HEADERS_BYTES) {
      throw new IllegalArgumentException(
          "headers take " + size + " bytes; an event-stream frame allows " + MAX_HEADERS_BYTES);
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "payload is "
              + payload.length
              + " bytes; an event-stream frame allows "
              + MAX_PAYLOAD_BYTES);
    }
    return new EventStreamMessage(copy, payload.length == 0 ? EMPTY : payload.clone(), size);
  }

  /** A builder for a message with no headers and an empty payload. */
  public static Builder builder() {
    return new Builder();
  }

  /** The headers in wire order. Unmodifiable. */
  public List<Header> headers() {
    return headers;
  }

  /** The value of the first header called {@code name}. */
  public Optional<HeaderValue> header(String name) {
    for (int i = 0, n = headers.size(); i < n; i++) {
      Header h = headers.get(i);
      if (h.name().equals(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  /** The first header called {@code name}, if it is a string header; empty for other types. */
  public Optional<String> stringHeader(String name) {
    for (int i = 0, n = headers.size(); i < n; i++) {
      Header h = headers.get(i);
      if (h.name().equals(name)) {
        return h.value() instanceof HeaderValue.StringValue s
            ? Optional.of(s.value())
            : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** {@code :message-type}: {@code event}, {@code exception} or {@code error}. */
  public Optional<String> messageType() {
    return stringHeader(MESSAGE_TYPE);
  }

  /** {@code :event-type}, e.g. {@code contentBlockDelta} or {@code chunk}. */
  public Optional<String> eventType() {
    return stringHeader(EVENT_TYPE);
  }

  /** {@code :exception-type} of an exception message, e.g. {@code throttlingException}. */
  public Optional<String> exceptionType() {
    return stringHeader(EXCEPTION_TYPE);
  }

  /** A copy of the payload. Prefer {@link #payloadStream()} or {@link #payloadUtf8()} to parse. */
  public byte[] payload() {
    return payloadLength == 0
        ? EMPTY
        : Arrays.copyOfRange(payload, payloadOffset, payloadOffset + payloadLength);
  }

  /** The payload's length in bytes. */
  public int payloadSize() {
    return payloadLength;
  }

  /** The payload decoded as UTF-8 (malformed sequences become U+FFFD). */
  public String payloadUtf8() {
    return new String(payload, payloadOffset, payloadLength, StandardCharsets.UTF_8);
  }

  /** A fresh stream over the payload, without copying it: hand this to a JSON parser. */
  public InputStream payloadStream() {
    return new ByteArrayInputStream(payload, payloadOffset, payloadLength);
  }

  /**
   * Copies the payload into {@code dst} from {@code at}: for readers that scan bytes into a buffer
   * of their own, without allocating.
   *
   * @throws IndexOutOfBoundsException if {@code dst} has fewer than {@link #payloadSize()} bytes
   *     from {@code at}
   */
  public void copyPayload(byte[] dst, int at) {
    System.arraycopy(payload, payloadOffset, dst, at, payloadLength);
  }

  /** A read-only view of the payload, without copying it: for readers that scan bytes. */
  public ByteBuffer payloadView() {
    return ByteBuffer.wrap(payload, payloadOffset, payloadLength).slice().asReadOnlyBuffer();
  }

  /** The encoded size of the headers section in bytes. */
  public int headersBytes() {
    return headersBytes;
  }

  /** The size of this message as one frame: overhead, headers and payload. */
  public int frameBytes() {
    return OVERHEAD_BYTES + headersBytes + payloadLength;
  }

  /** Writes the payload into {@code out}, for the encoder. */
  void putPayload(ByteBuffer out) {
    out.put(payload, payloadOffset, payloadLength);
  }

  private static int encodedSize(Header h) {
    int nameBytes = utf8Length(h.name());
    if (nameBytes == 0 || nameBytes > 255) {
      throw new IllegalArgumentException(
          "header name must be 1 to 255 UTF-8 bytes, '" + h.name() + "' is " + nameBytes);
    }
    HeaderValue v = h.value();
    // Java 17 has no pattern switch; the type code names the record just as well.
    int valueBytes =
        switch (v.typeCode()) {
          case 0, 1 -> 0;
          case 2 -> 1;
          case 3 -> 2;
          case 4 -> 4;
          case 5, 8 -> 8;
          case 6 -> 2 + ((HeaderValue.BytesValue) v).size();
          case 7 -> 2 + checkedStringLength(h.name(), ((HeaderValue.StringValue) v).value());
          case 9 -> 16;
          default -> throw new AssertionError("type code " + v.typeCode());
        };
    return 1 + nameBytes + 1 + valueBytes;
  }

  private static int checkedStringLength(String name, String value) {
    int length = utf8Length(value);
    if (length > 0xFFFF) {
      throw new IllegalArgumentException(
          "string header '" + name + "' is " + length + " UTF-8 bytes; the limit is 65535");
    }
    return length;
  }

  /** UTF-8 length as {@link String#getBytes} would produce it (a lone surrogate becomes '?'). */
  static int utf8Length(String s) {
    int length = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        length += 1;
      } else {
        length += 3;
      }
    }
    return length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventStreamMessage other
        && headers.equals(other.headers)
        && Arrays.equals(
            payload,
            payloadOffset,
            payloadOffset + payloadLength,
            other.payload,
            other.payloadOffset,
            other.payloadOffset + other.payloadLength);
  }

  @Override
  public int hashCode() {
    int h = 1; // Arrays.hashCode of the payload's bytes
    for (int i = payloadOffset, end = payloadOffset + payloadLength; i < end; i++) {
      h = 31 * h + payload[i];
    }
    return 31 * headers.hashCode() + h;
  }

  @Override
  public String toString() {
    return "EventStreamMessage{headers=" + headers + ", payload=" + payloadLength + " bytes}";
  }

  /** Collects headers in order and a payload; {@link #build()} checks the limits. */
  public static final class Builder {
    private final List<Header> headers = new ArrayList<>();
    private byte[] payload = EMPTY;

    private Builder() {}

    /** Appends a header; an existing header of the same name is kept. */
    public Builder header(String name, HeaderValue value) {
      headers.add(new Header(name, value));
      return this;
    }

    /** Appends a string header. */
    public Builder header(String name, String value) {
      return header(name, new HeaderValue.StringValue(value));
    }

    /** Sets the payload; the array is copied by {@link #build()}. */
    public Builder payload(byte[] payload) {
      this.payload = Objects.requireNonNull(payload, "payload");
      return this;
    }

    /** Sets the payload to the UTF-8 bytes of {@code text}. */
    public Builder payloadUtf8(String text) {
      this.payload = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public EventStreamMessage build() {
      return of(headers, payload);
    }
  }
}
