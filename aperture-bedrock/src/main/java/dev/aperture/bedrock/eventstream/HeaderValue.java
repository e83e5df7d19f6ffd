package dev.aperture.bedrock.eventstream;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * The value of one event-stream header: one record per wire type. Both boolean type codes (0 true,
 * 1 false) share {@link BoolValue}, whose {@link #typeCode()} follows its value.
 */
public sealed interface HeaderValue {

  /** The wire type code, 0 to 9, written before the value. */
  int typeCode();

  /** Types 0 (true) and 1 (false): the value is the type code itself, with no bytes after it. */
  record BoolValue(boolean value) implements HeaderValue {
    public static final BoolValue TRUE = new BoolValue(true);
    public static final BoolValue FALSE = new BoolValue(false);

    /** The shared instance for {@code value}, so decoding a boolean allocates nothing. */
    public static BoolValue of(boolean value) {
      return value ? TRUE : FALSE;
    }

    @Override
    public int typeCode() {
      return value ? 0 : 1;
    }
  }

  /** Type 2: one signed byte. */
  record ByteValue(byte value) implements HeaderValue {
    @Override
    public int typeCode() {
      return 2;
    }
  }

  /** Type 3: a big-endian signed 16-bit integer. */
  record ShortValue(short value) implements HeaderValue {
    @Override
    public int typeCode() {
      return 3;
    }
  }

  /** Type 4: a big-endian signed 32-bit integer. */
  record IntValue(int value) implements HeaderValue {
    @Override
    public int typeCode() {
      return 4;
    }
  }

  /** Type 5: a big-endian signed 64-bit integer. */
  record LongValue(long value) implements HeaderValue {
    @Override
    public int typeCode() {
      return 5;
    }
  }

  /**
   * Type 6: up to 65,535 opaque bytes after a u16 length. The array is copied in and out, so the
   * value stays immutable; equality compares contents.
   */
  record BytesValue(byte[] value) implements HeaderValue {
    public BytesValue {
      if (value.length > 0xFFFF) {
        throw new IllegalArgumentException(
            "a bytes header holds at most 65535 bytes, not " + value.length);
      }
      value = value.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** How many bytes the value holds. */
    public int size() {
      return value.length;
    }

    @Override
    public int typeCode() {
      return 6;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesValue other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "BytesValue[" + value.length + " bytes]";
    }

    /** The array itself, for the encoder: callers inside the package must not modify it. */
    byte[] bytes() {
      return value;
    }
  }

  /**
   * Type 7: UTF-8 text after a u16 byte length. The 65,535-byte limit is checked when the header is
   * put into a {@link EventStreamMessage}, where its encoded size matters.
   */
  record StringValue(String value) implements HeaderValue {
    public StringValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int typeCode() {
      return 7;
    }
  }

  /** Type 8: an instant as a big-endian signed 64-bit count of milliseconds since the epoch. */
  record TimestampValue(long epochMillis) implements HeaderValue {
    /** The same instant as {@link Instant}. */
    public Instant instant() {
      return Instant.ofEpochMilli(epochMillis);
    }

    @Override
    public int typeCode() {
      return 8;
    }
  }

  /** Type 9: a UUID as 16 bytes, most significant first. */
  record UuidValue(UUID value) implements HeaderValue {
    public UuidValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int typeCode() {
      return 9;
    }
  }
}
