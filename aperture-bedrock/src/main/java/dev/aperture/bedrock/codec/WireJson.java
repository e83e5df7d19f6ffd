package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.internal.FastJsonFactory;
import dev.aperture.internal.Ids;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The JSON plumbing both codecs share: one mapper, generators over byte buffers, and the small
 * readers the response decoders need. Package-private; Jackson never shows in the public API.
 */
final class WireJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** The factory of the streaming paths; configured as {@link #MAPPER}'s. */
  static final FastJsonFactory FACTORY = new FastJsonFactory();

  private WireJson() {}

  /** Writes one JSON document into a byte array. */
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * Writes one JSON document into a byte array. The document is built in a pooled buffer, so that
   * it costs one exact-size copy however large it grows.
   */
  static byte[] write(Body body) {
    Bytes out = Bytes.acquire();
    try {
      // MAPPER's factory, as before: its generators can also write trees and objects.
      try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
        body.write(g);
      } catch (IOException e) {
        // A byte buffer does not fail; a generator only throws on misuse, which is a bug here.
        throw new UncheckedIOException("could not write a request body", e);
      }
      return out.toByteArray();
    } finally {
      out.release();
    }
  }

  /** Starts the object field {@code name}. */
  static void startObject(JsonGenerator g, SerializableString name) throws IOException {
    g.writeFieldName(name);
    g.writeStartObject();
  }

  /** Starts the array field {@code name}. */
  static void startArray(JsonGenerator g, SerializableString name) throws IOException {
    g.writeFieldName(name);
    g.writeStartArray();
  }

  /** {@link #MAPPER}'s factory, for {@link #writeTo}: its generators leave their stream open. */
  private static final FastJsonFactory WRITER = writer();

  private static FastJsonFactory writer() {
    FastJsonFactory f = new FastJsonFactory(MAPPER.getFactory());
    f.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    return f;
  }

  /**
   * Writes one JSON document into {@code out}, which is flushed and left open; with this thread's
   * kept generator when it is free.
   */
  static void writeTo(Body body, OutputStream out) throws IOException {
    JsonGenerator g = WRITER.borrowGenerator(out);
    try {
      body.write(g);
    } finally {
      FastJsonFactory.giveBack(g);
    }
  }

  /** A streaming reader of a whole answer: the answer, or null to leave it to the tree reader. */
  interface FastReader<T> {
    T read(JsonParser p) throws IOException;
  }

  /**
   * An answer's bytes: {@code length} bytes of {@code bytes} from {@code offset} (the whole array,
   * or the part of a network buffer that holds the body).
   */
  record Input(byte[] bytes, int offset, int length) {
    Input {
      java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    }

    /** All of {@code body}, or null for null (which every reader takes as an empty body). */
    static Input of(byte[] body) {
      return body == null ? null : new Input(body, 0, body.length);
    }

    /**
     * A Jackson parser from {@code at}, a byte offset as a parser of this input reports it.
     *
     * @throws IOException if {@code at} is not within the input (a parser of UTF-16 or UTF-32 text
     *     reports no byte offsets): the streaming reader then leaves the answer to the tree
     */
    JsonParser parserFrom(long at) throws IOException {
      if (at < 0 || at > length) {
        throw new IOException("no byte offset within the answer: " + at);
      }
      return MAPPER.getFactory().createParser(bytes, offset + (int) at, length - (int) at);
    }
  }

  /** Answers the tree reader decided: a test's way to see that the streaming reader read one. */
  static final java.util.concurrent.atomic.AtomicLong TREE_DECISIONS =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Reads {@code body} with {@code fast}; when it declines (null), or the body is empty, not JSON,
   * or holds a repeated key, {@code tree} decides — and words any error.
   */
  static <T> T readFastOrTree(Input body, FastReader<T> fast, java.util.function.Supplier<T> tree) {
    if (body != null && body.length() > 0) {
      T answer = read(body.bytes(), body.offset(), body.length(), fast);
      if (answer != null) {
        return answer;
      }
    }
    TREE_DECISIONS.incrementAndGet();
    return tree.get();
  }

  /**
   * What {@code reader} reads from {@code length} bytes of {@code bytes} at {@code offset} (the
   * parser before its first token), with this thread's kept parser when it is free; null when the
   * reader declines or the bytes are not what it reads (a JSON error included).
   */
  static <T> T read(byte[] bytes, int offset, int length, FastReader<T> reader) {
    return read(bytes, offset, length, false, reader);
  }

  /**
   * {@link #read}, for a reader that starts on the {@code START_OBJECT}: null for anything else.
   */
  static <T> T readObject(byte[] bytes, int offset, int length, FastReader<T> reader) {
    return read(bytes, offset, length, true, reader);
  }

  private static <T> T read(
      byte[] bytes, int offset, int length, boolean onObject, FastReader<T> reader) {
    JsonParser p = null;
    try {
      p = FACTORY.borrowParser(bytes, offset, length);
      return !onObject || p.nextToken() == JsonToken.START_OBJECT ? reader.read(p) : null;
    } catch (IOException e) {
      return null;
    } finally {
      FastJsonFactory.giveBack(p);
    }
  }

  /** {@code e} without a reference to the parser that threw it (a copy of its text if need be). */
  static IOException withoutParser(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.exc.StreamReadException) {
      return ((com.fasterxml.jackson.core.exc.StreamReadException) e).withParser(null);
    }
    if (e instanceof JsonProcessingException) {
      return new IOException(e.getMessage());
    }
    return e;
  }

  /** Parses JSON text; throws the Jackson error so callers can word their own message. */
  static JsonNode parse(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  /**
   * The first JSON value of {@code json} as compact text, exactly as {@code compact(parse(json))}
   * gives it, or null when the text holds no value (is empty or blank). Streams instead of building
   * a tree; returns {@code json} itself when it is compact already.
   *
   * @throws JsonProcessingException if the text is not valid JSON (the tree parser's error)
   */
  static String compact(String json) throws JsonProcessingException {
    Chars out = Chars.acquire();
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        return null;
      }
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        copy(p, g, out.names);
      }
      return out.toString(json);
    } catch (JsonProcessingException | DuplicateKey e) {
      // Invalid, or a repeated key (a tree keeps the last value): the tree path decides.
      JsonNode node = parse(json);
      return node == null || node.isMissingNode() ? null : compact(node);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read JSON text", e);
    } finally {
      out.release();
    }
  }

  /**
   * The value the parser is at (its first token is current) as compact text, as a tree of it would
   * be written; the parser is left at the value's last token.
   *
   * @throws DuplicateKey if an object in the value repeats a key: a tree would keep only the last
   *     value, so the caller should read the document as a tree
   */
  static String compactValue(JsonParser p) throws IOException {
    Chars out = Chars.acquire();
    try {
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        copy(p, g, out.names);
      }
      return out.toString(null);
    } finally {
      out.release();
    }
  }

  /**
   * Copies the current value, as {@link JsonGenerator#copyCurrentStructure} does, but refuses
   * objects that repeat a key (or have very many keys, which are not checked cheaply).
   */
  private static void copy(JsonParser p, JsonGenerator g, Names names) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      g.writeStartObject();
      int mark = names.size;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        names.add(name, mark);
        g.writeFieldName(name);
        p.nextToken();
        copy(p, g, names);
      }
      names.size = mark;
      g.writeEndObject();
    } else if (t == JsonToken.START_ARRAY) {
      g.writeStartArray();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        copy(p, g, names);
      }
      g.writeEndArray();
    } else {
      g.copyCurrentEvent(p);
    }
  }

  /** A repeated key met while streaming: the document is to be read as a tree. */
  static final class DuplicateKey extends IOException {
    private static final long serialVersionUID = 1L;

    DuplicateKey() {
      super("an object repeats a key");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a signal, not an error: no stack trace
    }
  }

  /** The keys of the objects being copied, innermost last. */
  private static final class Names {
    /** Objects with more keys are not checked key by key; they go to the tree path. */
    private static final int MAX_KEYS = 64;

    private String[] names = new String[32];
    private int size;

    void add(String name, int from) throws DuplicateKey {
      if (size - from >= MAX_KEYS) {
        throw new DuplicateKey();
      }
      for (int i = from; i < size; i++) {
        if (names[i].equals(name)) {
          throw new DuplicateKey();
        }
      }
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
      }
      names[size++] = name;
    }
  }

  /** The node as compact JSON text. */
  static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("could not serialise a JSON tree", e);
    }
  }

  /**
   * Reads a response body; a body that is not a JSON object is a {@link BedrockResponseException}.
   */
  static JsonNode readResponse(Input body, String api) {
    if (body == null || body.length() == 0) {
      throw new BedrockResponseException(api + " answered with an empty body");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body.bytes(), body.offset(), body.length());
    } catch (IOException e) {
      // The body may be part of a network buffer that is reused once the response is closed: the
      // cause must not keep the parser, whose input it is (Jackson's releaseBuffered could
      // write out whatever that buffer holds by then).
      throw new BedrockResponseException(
          api + " answered with a body that is not JSON", withoutParser(e));
    }
    if (root == null || !root.isObject()) {
      throw new BedrockResponseException(api + " answered with a body that is not a JSON object");
    }
    return root;
  }

  /** A string field, or null when absent or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** A string field, or "" when absent or not a string. */
  static String textOrEmpty(JsonNode node, String field) {
    String s = text(node, field);
    return s == null ? "" : s;
  }

  /** A token counter; absent, null or negative values count as 0. */
  static long count(JsonNode node, String field) {
    if (node == null) {
      return 0;
    }
    JsonNode v = node.get(field);
    return v != null && v.canConvertToLong() ? Math.max(0, v.asLong()) : 0;
  }

  /**
   * Tool arguments as compact JSON text: absent or null input becomes {@code {}}, never an empty
   * string; anything else is kept as the model sent it.
   */
  static String arguments(JsonNode input) {
    return input == null || input.isNull() || input.isMissingNode() ? "{}" : compact(input);
  }

  /** The current string value, or null when the current token is not a string. */
  static String stringOrNull(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_STRING ? FastJsonFactory.text(p) : null;
  }

  /**
   * The current value as a token counter, as {@link #count(JsonNode, String)} reads it from a tree:
   * a number that fits a long (fractions cut off), at least 0; anything else counts 0. Skips the
   * value.
   */
  static long count(JsonParser p) throws IOException {
    Long v = asLong(p);
    return v == null ? 0 : Math.max(0, v);
  }

  /**
   * The current value as a tree node's {@code canConvertToLong() ? asLong()} reads it, or null;
   * skips the value.
   */
  static Long asLong(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        java.math.BigInteger big = p.getBigIntegerValue();
        return big.bitLength() < 64 ? big.longValue() : null;
      }
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return d >= Long.MIN_VALUE && d <= Long.MAX_VALUE ? (long) d : null;
    }
    p.skipChildren();
    return null;
  }

  /** A double and the text Jackson writes for it. */
  private record DoubleText(long bits, String text) {}

  /**
   * Recent {@link #writeNumberField} values, by a hash of their bits; shared, entries immutable.
   */
  private static final AtomicReferenceArray<DoubleText> DOUBLES = new AtomicReferenceArray<>(32);

  /**
   * Writes the field {@code name} with the finite number {@code d}, as {@link
   * JsonGenerator#writeNumberField(String, double)} writes it ({@link Double#toString}), but with
   * the text of a value written lately instead of formatting it again: a temperature or top-p is
   * the same few values request after request.
   */
  static void writeNumberField(JsonGenerator g, String name, double d) throws IOException {
    if (!Double.isFinite(d)
        || (g.getFeatureMask()
                & com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS
                    .mappedFeature()
                    .getMask())
            != 0
        || g.isEnabled(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)) {
      g.writeNumberField(name, d);
      return;
    }
    long bits = Double.doubleToRawLongBits(d);
    int h = Long.hashCode(bits);
    int slot = (h ^ (h >>> 16)) & (DOUBLES.length() - 1);
    DoubleText known = DOUBLES.get(slot);
    if (known == null || known.bits() != bits) {
      known = new DoubleText(bits, Double.toString(d));
      DOUBLES.set(slot, known);
    }
    g.writeFieldName(name);
    g.writeNumber(known.text());
  }

  /** An id for an answer whose provider gave none. */
  static String generatedMessageId() {
    return Ids.prefixedHex("msg_");
  }

  private static int slot(int slots) {
    int h = System.identityHashCode(Thread.currentThread());
    return (h ^ (h >>> 16)) & (slots - 1);
  }

  /**
   * A growable byte buffer, pooled: a request body is written here and copied out once, instead of
   * growing a fresh stream by copies. The pool holds a few buffers (one per slot, slots chosen by
   * thread) of at most {@link #MAX_POOLED} bytes; a buffer that grew beyond is dropped.
   */
  static final class Bytes extends OutputStream {
    private static final int SLOTS = 16;
    private static final int MAX_POOLED = 512 * 1024;
    private static final AtomicReferenceArray<Bytes> POOL = new AtomicReferenceArray<>(SLOTS);

    private byte[] buf = new byte[8192];
    private int size;

    static Bytes acquire() {
      Bytes b = POOL.getAndSet(slot(SLOTS), null);
      return b != null ? b : new Bytes();
    }

    void release() {
      size = 0;
      if (buf.length <= MAX_POOLED) {
        POOL.set(slot(SLOTS), this);
      }
    }

    @Override
    public void write(int b) {
      if (size == buf.length) {
        grow(1);
      }
      buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (len > buf.length - size) {
        grow(len);
      }
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    private void grow(int more) {
      buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  /** The character twin of {@link Bytes}, for JSON text that becomes a string. */
  static final class Chars extends Writer {
    private static final int SLOTS = 16;
    private static final int MAX_POOLED = 64 * 1024;
    private static final AtomicReferenceArray<Chars> POOL = new AtomicReferenceArray<>(SLOTS);

    private char[] buf = new char[1024];
    private int size;
    final Names names = new Names();

    static Chars acquire() {
      Chars c = POOL.getAndSet(slot(SLOTS), null);
      return c != null ? c : new Chars();
    }

    void release() {
      size = 0;
      names.size = 0;
      if (buf.length <= MAX_POOLED) {
        POOL.set(slot(SLOTS), this);
      }
    }

    @Override
    public void write(int c) {
      if (size == buf.length) {
        grow(1);
      }
      buf[size++] = (char) c;
    }

    @Override
    public void write(char[] c, int off, int len) {
      if (len > buf.length - size) {
        grow(len);
      }
      System.arraycopy(c, off, buf, size, len);
      size += len;
    }

    @Override
    public void write(String s, int off, int len) {
      if (len > buf.length - size) {
        grow(len);
      }
      s.getChars(off, off + len, buf, size);
      size += len;
    }

    private void grow(int more) {
      buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
    }

    /** The text written; {@code same} itself when it holds exactly that text. */
    String toString(String same) {
      if (same != null && same.length() == size) {
        boolean equal = true;
        for (int i = 0; i < size; i++) {
          if (same.charAt(i) != buf[i]) {
            equal = false;
            break;
          }
        }
        if (equal) {
          return same;
        }
      }
      return new String(buf, 0, size);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
