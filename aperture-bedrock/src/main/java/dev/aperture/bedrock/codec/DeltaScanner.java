package dev.aperture.bedrock.codec;

import dev.aperture.internal.FastJsonFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a ConverseStream {@code contentBlockDelta} payload straight from its bytes: the one frame
 * type that comes by the hundred per answer, where creating a Jackson parser per frame costs more
 * than reading the frame.
 *
 * <p>It only answers for payloads in the plain subset of JSON it fully checks: field names without
 * escapes, whole-number indexes of up to nine digits, strings in valid UTF-8 with the standard
 * escapes, and skipped values of any JSON kind but non-ASCII strings. For anything else (including
 * every malformed payload) {@link #read} returns false and the caller reads the frame with Jackson,
 * so results and error messages are Jackson's. When it does answer, the answer is the one the
 * Jackson reading gives: the first JSON value only, the last of repeated fields wins, non-string
 * values count as absent, unknown fields are skipped.
 *
 * <p>One instance per stream (it keeps a character buffer); not thread-safe.
 */
final class DeltaScanner {
  private static final int MAX_DEPTH = 32;

  /**
   * Larger payloads go to Jackson: deltas are tens of bytes, and below this size no name or string
   * can reach Jackson's read limits (50,000-character names, 20,000,000-character strings).
   */
  static final int MAX_PAYLOAD_BYTES = 16 * 1024;

  /** Jackson's limit on a number's length (StreamReadConstraints' default). */
  private static final int MAX_NUMBER_CHARS = 1000;

  private static final byte[] CONTENT_BLOCK_INDEX = ascii("contentBlockIndex");
  private static final byte[] DELTA = ascii("delta");
  private static final byte[] TEXT = ascii("text");
  private static final byte[] TOOL_USE = ascii("toolUse");
  private static final byte[] INPUT = ascii("input");
  private static final byte[] REASONING_CONTENT = ascii("reasoningContent");
  private static final byte[] SIGNATURE = ascii("signature");
  private static final byte[] REDACTED_CONTENT = ascii("redactedContent");

  /** Thrown (without a stack trace) to leave the fast path. */
  private static final class Fallback extends Exception {
    private static final long serialVersionUID = 1L;
    static final Fallback INSTANCE = new Fallback();

    private Fallback() {
      super("not in the fast path's subset", null, false, false);
    }
  }

  private byte[] b;
  private int pos;
  private int end;
  private int nameStart;
  private int nameEnd;
  private char[] chars; // for strings with escapes or non-ASCII text; made on first use

  /**
   * Reads {@code payload} into {@code d} (which starts reset, index null); false when the payload
   * is outside the subset, and then {@code d} holds nothing reliable.
   */
  boolean read(ByteBuffer payload, ConverseStreamTranslator.Delta d) {
    if (payload.remaining() > MAX_PAYLOAD_BYTES) {
      return false;
    }
    if (payload.hasArray()) {
      int from = payload.arrayOffset() + payload.position();
      return read(payload.array(), from, from + payload.remaining(), d);
    }
    byte[] copy = new byte[payload.remaining()];
    payload.duplicate().get(copy);
    return read(copy, 0, copy.length, d);
  }

  /** {@link #read(ByteBuffer, ConverseStreamTranslator.Delta)} over {@code payload[from, to)}. */
  boolean read(byte[] payload, int from, int to, ConverseStreamTranslator.Delta d) {
    if (to - from > MAX_PAYLOAD_BYTES) {
      return false;
    }
    if (textDelta(payload, from, to, d)) {
      return true;
    }
    b = payload;
    pos = from;
    end = to;
    try {
      ws();
      if (pos >= end || b[pos] != '{') {
        return false; // not an object: the Jackson reading words the error
      }
      pos++;
      if (emptyObject()) {
        return true;
      }
      do {
        field();
        if (is(CONTENT_BLOCK_INDEX)) {
          d.index = intLike();
        } else if (is(DELTA)) {
          d.reset();
          if (peek() == '{') {
            pos++;
            delta(d);
          } else {
            skipValue(1);
          }
        } else {
          skipValue(1);
        }
      } while (nextMember());
      return true;
    } catch (Fallback f) {
      return false;
    } finally {
      b = null;
    }
  }

  private static final byte[] TEXT_DELTA_START = ascii("{\"contentBlockIndex\":");
  private static final byte[] TEXT_DELTA_TEXT = ascii(",\"delta\":{\"text\":\"");
  private static final byte[] TEXT_DELTA_PADDING = ascii("},\"p\":\"");

  /**
   * The text delta exactly as Bedrock lays it out, {@code
   * {"contentBlockIndex":N,"delta":{"text":"…"}}} with or without a trailing {@code "p":"…"}
   * padding member, plain ASCII strings and nothing after the object: matched piece by piece,
   * without the general member loop. False (and {@code d} untouched) for anything else, which the
   * general reading then takes; for what it matches both readings give the same delta.
   */
  private static boolean textDelta(byte[] b, int from, int to, ConverseStreamTranslator.Delta d) {
    int p = from;
    if (!at(b, p, to, TEXT_DELTA_START)) {
      return false;
    }
    p += TEXT_DELTA_START.length;
    int digits = p;
    int index = 0;
    while (p < to && b[p] >= '0' && b[p] <= '9' && p - digits < 9) {
      index = index * 10 + (b[p++] - '0');
    }
    if (p == digits || (b[digits] == '0' && p - digits > 1) || !at(b, p, to, TEXT_DELTA_TEXT)) {
      return false; // no digits, a leading zero, ten or more digits, or another layout
    }
    p += TEXT_DELTA_TEXT.length;
    int close = FastJsonFactory.plainRun(b, p, to);
    if (close >= to || b[close] != '"') {
      return false; // an escape or a non-ASCII char: the general reading
    }
    int textStart = p;
    p = close + 1;
    if (at(b, p, to, TEXT_DELTA_PADDING)) {
      int padEnd = FastJsonFactory.plainRun(b, p + TEXT_DELTA_PADDING.length, to);
      if (padEnd >= to || b[padEnd] != '"') {
        return false;
      }
      p = padEnd + 1;
      if (p != to - 1 || b[p] != '}') {
        return false;
      }
    } else if (p != to - 2 || b[p] != '}' || b[p + 1] != '}') {
      return false;
    }
    d.index = index;
    d.text = new String(b, textStart, close - textStart, StandardCharsets.ISO_8859_1);
    return true;
  }

  /** Whether {@code b[p, to)} starts with {@code expected}. */
  private static boolean at(byte[] b, int p, int to, byte[] expected) {
    int n = expected.length;
    return to - p >= n && java.util.Arrays.equals(b, p, p + n, expected, 0, n);
  }

  /** The {@code delta} object's members, after its '{'. */
  private void delta(ConverseStreamTranslator.Delta d) throws Fallback {
    if (emptyObject()) {
      return;
    }
    do {
      field();
      if (is(TEXT)) {
        d.text = stringOrSkip(2);
      } else if (is(TOOL_USE)) {
        d.toolUse = true;
        d.toolInput = null;
        if (peek() == '{') {
          pos++;
          if (!emptyObject()) {
            do {
              field();
              if (is(INPUT)) {
                d.toolInput = stringOrSkip(3);
              } else {
                skipValue(3);
              }
            } while (nextMember());
          }
        } else {
          skipValue(2);
        }
      } else if (is(REASONING_CONTENT)) {
        d.reasoning = true;
        d.reasoningText = null;
        d.signature = null;
        d.redacted = null;
        if (peek() == '{') {
          pos++;
          if (!emptyObject()) {
            do {
              field();
              if (is(TEXT)) {
                d.reasoningText = stringOrSkip(3);
              } else if (is(SIGNATURE)) {
                d.signature = stringOrSkip(3);
              } else if (is(REDACTED_CONTENT)) {
                d.redacted = stringOrSkip(3);
              } else {
                skipValue(3);
              }
            } while (nextMember());
          }
        } else {
          skipValue(2);
        }
      } else {
        skipValue(2);
      }
    } while (nextMember());
  }

  // ---- structure ----

  /** After a '{': true (and past the '}') when the object is empty. */
  private boolean emptyObject() throws Fallback {
    ws();
    if (peek() == '}') {
      pos++;
      return true;
    }
    return false;
  }

  /** Reads {@code "name" :} and leaves the position on the value; the name is a plain one. */
  private void field() throws Fallback {
    ws();
    expect('"');
    nameStart = pos;
    // plain ASCII up to the closing quote, in locals; anything else leaves the fast path
    int p = FastJsonFactory.plainRun(b, pos, end);
    if (p >= end || b[p] != '"') {
      throw Fallback.INSTANCE; // an escape, a control char, a byte >= 0x80 or the end
    }
    pos = p + 1;
    nameEnd = p;
    ws();
    expect(':');
    ws();
  }

  /** After a member's value: true past a ',', false past the closing '}'. */
  private boolean nextMember() throws Fallback {
    ws();
    int c = next();
    if (c == ',') {
      return true;
    }
    if (c == '}') {
      return false;
    }
    throw Fallback.INSTANCE;
  }

  private boolean is(byte[] name) {
    if (nameEnd - nameStart != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (b[nameStart + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  // ---- values ----

  /**
   * The index as the Jackson reading takes it: a whole number that fits in an int; a string,
   * literal or structure counts as absent (null). Fractions, exponents and long numbers leave the
   * fast path.
   */
  private Integer intLike() throws Fallback {
    int c = peek();
    if (c != '-' && (c < '0' || c > '9')) {
      skipValue(1);
      return null;
    }
    boolean negative = c == '-';
    if (negative) {
      pos++;
    }
    int start = pos;
    long value = 0;
    while (pos < end) {
      int d = b[pos];
      if (d < '0' || d > '9') {
        break;
      }
      value = value * 10 + (d - '0');
      pos++;
    }
    int digits = pos - start;
    if (digits == 0 || digits > 9 || (digits > 1 && b[start] == '0')) {
      throw Fallback.INSTANCE;
    }
    endOfNumber(false);
    return (int) (negative ? -value : value);
  }

  /** A string value, or null after skipping a value of another kind. */
  private String stringOrSkip(int depth) throws Fallback {
    if (peek() != '"') {
      skipValue(depth);
      return null;
    }
    pos++;
    // the common case first, in locals: printable ASCII up to the closing quote, one copy
    byte[] a = b;
    int start = pos;
    int p = FastJsonFactory.plainRun(a, start, end);
    if (p < end && a[p] == '"') {
      pos = p + 1;
      return new String(a, start, p - start, StandardCharsets.ISO_8859_1);
    }
    // an escape, a control char, a byte >= 0x80 or the end: char by char from here
    int n = p - start;
    char[] out = chars;
    if (out == null) {
      out = chars = new char[Math.max(256, n + 2)];
    } else if (n + 2 > out.length) {
      out = chars = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + 2));
    }
    for (int i = 0; i < n; i++) {
      out[i] = (char) a[start + i];
    }
    pos = p;
    while (true) {
      int c = next();
      if (c == '"') {
        return new String(out, 0, n);
      }
      if (n + 2 > out.length) {
        out = chars = java.util.Arrays.copyOf(out, out.length * 2);
      }
      if (c == '\\') {
        int e = next();
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out[n++] = (char) e;
            break;
          case 'b':
            out[n++] = '\b';
            break;
          case 'f':
            out[n++] = '\f';
            break;
          case 'n':
            out[n++] = '\n';
            break;
          case 'r':
            out[n++] = '\r';
            break;
          case 't':
            out[n++] = '\t';
            break;
          case 'u':
            out[n++] = (char) hex4();
            break;
          default:
            throw Fallback.INSTANCE;
        }
      } else if (c < 0x20) {
        throw Fallback.INSTANCE;
      } else if (c < 0x80) {
        out[n++] = (char) c;
      } else if ((c & 0xE0) == 0xC0) {
        int cp = (c & 0x1F) << 6 | continuation();
        if (cp < 0x80) {
          throw Fallback.INSTANCE; // overlong
        }
        out[n++] = (char) cp;
      } else if ((c & 0xF0) == 0xE0) {
        int cp = (c & 0x0F) << 12 | continuation() << 6 | continuation();
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
          throw Fallback.INSTANCE; // overlong, or an encoded surrogate
        }
        out[n++] = (char) cp;
      } else if ((c & 0xF8) == 0xF0) {
        int cp = (c & 0x07) << 18 | continuation() << 12 | continuation() << 6 | continuation();
        if (cp < 0x10000 || cp > 0x10FFFF) {
          throw Fallback.INSTANCE;
        }
        out[n++] = Character.highSurrogate(cp);
        out[n++] = Character.lowSurrogate(cp);
      } else {
        throw Fallback.INSTANCE;
      }
    }
  }

  private int continuation() throws Fallback {
    int c = next();
    if ((c & 0xC0) != 0x80) {
      throw Fallback.INSTANCE;
    }
    return c & 0x3F;
  }

  private int hex4() throws Fallback {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int c = next();
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        throw Fallback.INSTANCE;
      }
      v = v << 4 | d;
    }
    return v;
  }

  /**
   * Skips one value of any kind, checking its syntax; {@code depth} counts enclosing containers.
   */
  private void skipValue(int depth) throws Fallback {
    if (depth > MAX_DEPTH) {
      throw Fallback.INSTANCE;
    }
    int c = peek();
    switch (c) {
      case '"':
        pos++;
        skipString();
        break;
      case '{':
        pos++;
        if (!emptyObject()) {
          do {
            field();
            skipValue(depth + 1);
          } while (nextMember());
        }
        break;
      case '[':
        pos++;
        ws();
        if (peek() == ']') {
          pos++;
          break;
        }
        while (true) {
          ws();
          skipValue(depth + 1);
          ws();
          int sep = next();
          if (sep == ']') {
            break;
          }
          if (sep != ',') {
            throw Fallback.INSTANCE;
          }
        }
        break;
      case 't':
        literal("true");
        break;
      case 'f':
        literal("false");
        break;
      case 'n':
        literal("null");
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          skipNumber();
        } else {
          throw Fallback.INSTANCE;
        }
    }
  }

  /** After the opening quote; ASCII only (anything else leaves the fast path). */
  private void skipString() throws Fallback {
    // the common case first, in locals: printable ASCII up to the closing quote
    int p = FastJsonFactory.plainRun(b, pos, end);
    if (p < end && b[p] == '"') {
      pos = p + 1;
      return;
    }
    pos = p;
    while (true) {
      int c = next();
      if (c == '"') {
        return;
      }
      if (c == '\\') {
        int e = next();
        if (e == 'u') {
          hex4();
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
            && e != 't') {
          throw Fallback.INSTANCE;
        }
      } else if (c < 0x20 || c >= 0x80) {
        throw Fallback.INSTANCE;
      }
    }
  }

  /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? followed by a delimiter. */
  private void skipNumber() throws Fallback {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int first = peek();
    if (first == '0') {
      pos++;
    } else if (first >= '1' && first <= '9') {
      digits();
    } else {
      throw Fallback.INSTANCE;
    }
    if (pos < end && b[pos] == '.') {
      pos++;
      if (digits() == 0) {
        throw Fallback.INSTANCE;
      }
    }
    if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw Fallback.INSTANCE;
      }
    }
    if (pos - start > MAX_NUMBER_CHARS) {
      throw Fallback.INSTANCE; // Jackson refuses it
    }
    endOfNumber(true);
  }

  private int digits() {
    int start = pos;
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
      pos++;
    }
    return pos - start;
  }

  /** A number must end at a delimiter; {@code fractionAllowed} false also refuses '.', 'e'. */
  private void endOfNumber(boolean fractionAllowed) throws Fallback {
    if (pos >= end) {
      throw Fallback.INSTANCE; // a number cannot end the payload inside an object
    }
    int c = b[pos];
    if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return;
    }
    if (!fractionAllowed && (c == '.' || c == 'e' || c == 'E')) {
      throw Fallback.INSTANCE;
    }
    throw Fallback.INSTANCE;
  }

  private void literal(String word) throws Fallback {
    for (int i = 0; i < word.length(); i++) {
      if (next() != word.charAt(i)) {
        throw Fallback.INSTANCE;
      }
    }
    if (pos < end) {
      int c = b[pos];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
        throw Fallback.INSTANCE;
      }
    }
  }

  // ---- bytes ----

  private void ws() {
    while (pos < end) {
      int c = b[pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private int peek() throws Fallback {
    if (pos >= end) {
      throw Fallback.INSTANCE;
    }
    return b[pos] & 0xFF;
  }

  private int next() throws Fallback {
    if (pos >= end) {
      throw Fallback.INSTANCE;
    }
    return b[pos++] & 0xFF;
  }

  private void expect(int c) throws Fallback {
    if (next() != c) {
      throw Fallback.INSTANCE;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
