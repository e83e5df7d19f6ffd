package dev.aperture.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.fasterxml.jackson.core.json.JsonWriteContext;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A copy of a {@link JsonFactory} whose parsers over UTF-8 byte arrays ({@link Parser}) can jump
 * over an array whose bytes are already known to be valid JSON: the OpenAI decoder recognises a
 * {@code tools} array it decoded before (tens of kilobytes for an agent, sent with every turn) by
 * comparing bytes, and then need not tokenize it again. It uses Jackson's extension points: the
 * factory's protected {@link JsonFactory#_createParser(byte[], int, int, IOContext)} and the
 * parser's protected input position. Anything but a plain UTF-8 object (a byte-order mark, UTF-16
 * or 32, canonicalisation off) gets Jackson's own parser, which cannot jump.
 */
public final class FastJsonFactory extends JsonFactory {
  private static final long serialVersionUID = 1L;

  /** A copy of {@code source}: its features, codec and limits. */
  public FastJsonFactory(JsonFactory source) {
    super(source, source.getCodec());
  }

  /** A factory with Jackson's defaults. */
  public FastJsonFactory() {
    this(new JsonFactory());
  }

  @Override
  public JsonFactory copy() {
    return new FastJsonFactory(this);
  }

  @Override
  protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt)
      throws IOException {
    return plainObject(data, offset, len)
        ? newParser(ctxt, data, offset, len)
        : super._createParser(data, offset, len, ctxt);
  }

  /**
   * Whether this factory's {@link Parser} reads these bytes: '{' then a non-zero byte, so UTF-8
   * without a byte-order mark (UTF-16/32 would show a zero byte there), with canonical names.
   */
  private boolean plainObject(byte[] data, int offset, int len) {
    return len >= 2
        && data[offset] == '{'
        && data[offset + 1] != 0
        && isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES);
  }

  private Parser newParser(IOContext ctxt, byte[] data, int offset, int len) {
    ctxt.setEncoding(JsonEncoding.UTF8);
    return new Parser(
        ctxt,
        _parserFeatures,
        _objectCodec,
        _byteSymbolCanonicalizer.makeChild(_factoryFeatures),
        data,
        offset,
        offset + len);
  }

  /**
   * Each thread's parser for {@link #borrowParser}, kept between documents: a parser is some twenty
   * objects (its context, text buffer, symbol table, read contexts for each depth), about half a
   * kilobyte per document read. Null after deserialization, where nothing is pooled.
   */
  private final transient ThreadLocal<Parser[]> kept = ThreadLocal.withInitial(() -> new Parser[1]);

  /**
   * A parser of {@code len} bytes of {@code data} from {@code offset}, as {@link
   * #createParser(byte[], int, int)} makes it, to be handed to {@link #giveBack} when done (instead
   * of being closed) and not touched after that. It is this thread's kept parser when that is free
   * and the input suits it (plain UTF-8, this factory's default buffer recycling per thread, no
   * source in error locations); a new parser otherwise, also while the kept one is out.
   */
  public JsonParser borrowParser(byte[] data, int offset, int len) throws IOException {
    ThreadLocal<Parser[]> pool = kept;
    if (pool == null
        || _inputDecorator != null
        || !plainObject(data, offset, len)
        || isEnabled(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        || _getRecyclerPool() != JsonRecyclerPools.threadLocalPool()) {
      return createParser(data, offset, len);
    }
    Parser[] slot = pool.get();
    Parser p = slot[0];
    if (p != null && p.out) {
      return createParser(data, offset, len); // a document within a document: a parser of its own
    }
    if (p == null
        || p.features != _parserFeatures
        || p.getCodec() != _objectCodec
        || p.streamReadConstraints() != _streamReadConstraints) {
      // none yet, or this factory was reconfigured since: a new kept parser
      p = newParser(_createContext(ContentReference.redacted(), false), data, offset, len);
      p.home = slot;
      slot[0] = p;
      return p;
    }
    p.restart(data, offset, offset + len);
    return p;
  }

  /**
   * Closes a parser from {@link #borrowParser} (nothing when null); a kept one is then free for the
   * thread's next document, unless its features were changed while out (it is dropped then, and the
   * next borrow makes a new one).
   */
  public static void giveBack(JsonParser p) {
    if (p == null) {
      return;
    }
    try {
      p.close();
    } catch (IOException e) {
      // a parser of a byte array reads no stream: closing it cannot fail
      throw new UncheckedIOException("could not close a JSON parser", e);
    } finally {
      if (p instanceof Parser && ((Parser) p).home != null) {
        ((Parser) p).release();
      }
    }
  }

  /** Each thread's generator for {@link #borrowGenerator}, kept between documents. */
  private final transient ThreadLocal<Generator[]> keptGenerators =
      ThreadLocal.withInitial(() -> new Generator[1]);

  /**
   * A UTF-8 generator writing to {@code out}, as {@link #createGenerator(OutputStream)} makes it,
   * to be handed to {@link #giveBack(JsonGenerator)} when done (instead of being closed) and not
   * touched after that. It is this thread's kept generator when that is free and this factory
   * writes plain JSON (no custom escapes, separators or decorators, buffers recycled per thread); a
   * new generator otherwise, also while the kept one is out.
   */
  public JsonGenerator borrowGenerator(OutputStream out) throws IOException {
    ThreadLocal<Generator[]> pool = keptGenerators;
    if (pool == null
        || _characterEscapes != null
        || _maximumNonEscapedChar != 0
        || _rootValueSeparator != DEFAULT_ROOT_VALUE_SEPARATOR
        || _outputDecorator != null
        || (_generatorDecorators != null && !_generatorDecorators.isEmpty())
        || _getRecyclerPool() != JsonRecyclerPools.threadLocalPool()) {
      return createGenerator(out);
    }
    Generator[] slot = pool.get();
    Generator g = slot[0];
    if (g != null && g.out) {
      return createGenerator(out); // a document within a document: a generator of its own
    }
    if (g == null
        || g.features != _generatorFeatures
        || g.getCodec() != _objectCodec
        || g.streamWriteConstraints() != _streamWriteConstraints
        || !g.restart(out)) {
      IOContext ctxt = _createContext(ContentReference.redacted(), false);
      ctxt.setEncoding(JsonEncoding.UTF8);
      Generator.Target target = new Generator.Target();
      target.to = out;
      g = new Generator(ctxt, _generatorFeatures, _objectCodec, target, _quoteChar);
      g.home = slot;
      slot[0] = g;
    }
    return g;
  }

  /**
   * Closes a generator from {@link #borrowGenerator} (nothing when null), which writes what it
   * holds to its stream as {@link JsonGenerator#close()} does; a kept one is then free for the
   * thread's next document, unless its configuration was changed while out (it is dropped then).
   */
  public static void giveBack(JsonGenerator g) throws IOException {
    if (g == null) {
      return;
    }
    try {
      g.close();
    } finally {
      if (g instanceof Generator && ((Generator) g).home != null) {
        ((Generator) g).release();
      }
    }
  }

  /**
   * Jackson's UTF-8 generator, kept by a thread between documents: it writes through a {@link
   * Target} that is pointed at each document's stream, and takes its buffers back from the thread's
   * recycler for each document (they go back to it when the document is closed, as Jackson does, so
   * that other generators of the thread find them there).
   */
  static final class Generator extends UTF8JsonGenerator {
    /** The stream the kept generator writes to: each document's own. */
    static final class Target extends OutputStream {
      OutputStream to;

      @Override
      public void write(int b) throws IOException {
        to.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        to.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        to.flush();
      }

      @Override
      public void close() throws IOException {
        to.close();
      }
    }

    private final Target target;
    private final JsonWriteContext root;
    private final int features;
    private Generator[] home;
    private boolean out = true;

    Generator(IOContext ctxt, int features, ObjectCodec codec, Target target, char quote) {
      super(ctxt, features, codec, target, quote);
      this.target = target;
      this.root = _writeContext;
      this.features = features;
    }

    /**
     * Starts over writing to {@code to}, with buffers from the recycler; false when they are
     * smaller than the ones it was made with (this generator is not used then).
     */
    boolean restart(OutputStream to) {
      byte[] bytes = _ioContext.allocWriteEncodingBuffer();
      char[] chars = _ioContext.allocConcatBuffer();
      if (bytes.length < _outputEnd || chars.length < _charBufferLength) {
        _ioContext.releaseWriteEncodingBuffer(bytes);
        _ioContext.releaseConcatBuffer(chars);
        return false;
      }
      out = true;
      target.to = to;
      _outputBuffer = bytes;
      _charBuffer = chars;
      _outputTail = 0;
      _closed = false;
      root.reset(JsonStreamContext.TYPE_ROOT);
      _writeContext = root;
      return true;
    }

    /** Frees a closed kept generator; dropped when its configuration was changed while out. */
    void release() {
      target.to = null;
      root.reset(JsonStreamContext.TYPE_ROOT); // no field name kept at the root
      _writeContext = root;
      boolean changed =
          _features != features
              || _cfgPrettyPrinter != null
              || _characterEscapes != null
              || _maximumNonEscapedChar != 0
              || _rootValueSeparator != DEFAULT_ROOT_VALUE_SEPARATOR
              || _outputBuffer != null; // not closed, or its buffer not given back to the recycler
      if (changed && home[0] == this) {
        home[0] = null;
      }
      out = false;
    }
  }

  /**
   * The text of the string value {@code p} is on, as {@link JsonParser#getText()} gives it, read by
   * {@link Parser#text()} when {@code p} is one of this factory's parsers.
   */
  public static String text(JsonParser p) throws IOException {
    return p instanceof Parser ? ((Parser) p).text() : p.getText();
  }

  /**
   * The text of the string value {@code p} is on, as {@link #text} gives it, for a value that names
   * something (a model id, a stop reason) and recurs from document to document: a thread's kept
   * parser ({@link #borrowParser}) returns the String it made for the same bytes lately, instead of
   * a new one. Only short plain ASCII values are kept; callers pass no other text here, since what
   * is kept stays in memory with the thread until it is replaced.
   */
  public static String identifier(JsonParser p) throws IOException {
    return p instanceof Parser ? ((Parser) p).identifier() : p.getText();
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The index of the first byte in {@code [from, end)} that a JSON string cannot simply copy: a
   * quote, a backslash, a control character or any byte of a multi-byte UTF-8 sequence; {@code end}
   * when there is none. Eight bytes at a time: per byte lane, {@code (v - 1) & ~v} has its high bit
   * set where {@code v} is zero, and borrows only run upwards, so the lowest flagged lane is exact.
   */
  public static int plainRun(byte[] b, int from, int end) {
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long x = (long) LONGS.get(b, i);
      long quote = x ^ (0x22 * ONES);
      long backslash = x ^ (0x5C * ONES);
      long flags =
          (((quote - ONES) & ~quote)
                  | ((backslash - ONES) & ~backslash)
                  | ((x - 0x20 * ONES) & ~x)
                  | x)
              & HIGHS;
      if (flags != 0) {
        return i + (Long.numberOfTrailingZeros(flags) >>> 3);
      }
    }
    for (; i < end; i++) {
      int c = b[i];
      if (c < 0x20 || c == '"' || c == '\\') { // a negative byte is one of a UTF-8 sequence
        return i;
      }
    }
    return end;
  }

  /** Jackson's UTF-8 byte parser, plus {@link #jumpToClose} and {@link #text()}. */
  public static final class Parser extends UTF8StreamJsonParser {
    private byte[] data;
    private int start;

    /** The slot of a kept parser ({@link #borrowParser}); null for any other. */
    private Parser[] home;

    /** Whether this kept parser is borrowed. */
    private boolean out = true;

    /** The root read context, reset for each document; its children are reused with it. */
    private final JsonReadContext root;

    /** The features this parser was made with (a kept one is dropped once they change). */
    private final int features;

    Parser(
        IOContext ctxt,
        int features,
        ObjectCodec codec,
        ByteQuadsCanonicalizer symbols,
        byte[] data,
        int start,
        int end) {
      super(ctxt, features, (InputStream) null, codec, symbols, data, start, end, 0, false);
      this.data = data;
      this.start = start;
      this.root = _parsingContext;
      this.features = features;
      this.namesAtStart = symbols.size();
    }

    /**
     * Starts over on a new document, as if just made for it by the constructor: position, token and
     * number state, and the root context (whose duplicate detector, if any, is reset with it).
     */
    void restart(byte[] data, int start, int end) {
      out = true;
      this.data = data;
      this.start = start;
      _inputBuffer = data;
      _inputPtr = start;
      _inputEnd = end;
      _currInputRowStart = start;
      _currInputProcessed = -start;
      _currInputRow = 1;
      _tokenInputTotal = 0;
      _tokenInputRow = 1;
      _tokenInputCol = 0;
      _closed = false;
      _currToken = null;
      _lastClearedToken = null;
      _nextToken = null;
      _tokenCount = 0;
      _tokenIncomplete = false;
      _nameCopied = false;
      _numTypesValid = NR_UNKNOWN;
      _binaryValue = null;
      _numberString = null;
      _numberBigInt = null;
      _numberBigDecimal = null;
      _requestPayload = null;
      root.reset(JsonStreamContext.TYPE_ROOT, 1, 0);
      _parsingContext = root;
    }

    /**
     * Frees a closed kept parser for the next document, holding no reference to this one's input or
     * text; dropped instead when its features or codec were changed while out.
     */
    void release() {
      _inputBuffer = null;
      data = null;
      _inputPtr = 0;
      _inputEnd = 0;
      _textBuffer.resetWithEmpty();
      _numberString = null;
      _numberBigInt = null;
      _numberBigDecimal = null;
      _binaryValue = null;
      root.reset(JsonStreamContext.TYPE_ROOT, 1, 0); // the last document's first field name
      _parsingContext = root;
      boolean drop =
          _features != features // the contexts may hold a duplicate detector
              // Jackson gives each parser a fresh copy of the factory's name table; a kept parser
              // keeps its copy, so it is dropped once the documents it read added more names to it
              // than a few requests' worth (else a body of many odd keys would make every later new
              // name copy a large table, and the thread keep those names)
              || _symbols.size() - namesAtStart > MAX_KEPT_NAMES;
      if (drop && home[0] == this) {
        home[0] = null;
      }
      out = false;
    }

    /** Field names a kept parser may add to its table before it is dropped for a fresh one. */
    static final int MAX_KEPT_NAMES = 1_000;

    /** The size of the name table this parser started with (the factory's, when it was made). */
    private final int namesAtStart;

    /**
     * On the {@link JsonToken#START_ARRAY} or {@link JsonToken#START_OBJECT} just returned,
     * continues at {@code close}, the offset (as {@link #currentTokenLocation()} counts them) of
     * its closing bracket, as if everything in between had been read: the next token is its {@link
     * JsonToken#END_ARRAY} or {@link JsonToken#END_OBJECT}. The caller vouches that those bytes are
     * one valid value; false (nothing moved) when the parser is not where this can work.
     */
    public boolean jumpToClose(int close) {
      int at = start + close;
      JsonToken t = currentToken();
      byte bracket = t == JsonToken.START_ARRAY ? (byte) ']' : (byte) '}';
      if ((t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT)
          || _trackMaxTokenCount // a token limit must see every token: no jumping then
          || _tokenIncomplete
          || at < _inputPtr
          || at >= _inputEnd
          || data[at] != bracket) {
        return false;
      }
      _inputPtr = at;
      return true;
    }

    /**
     * {@link #getText()}, faster: the bytes are scanned eight at a time and copied in runs. A
     * string of Latin-1 chars (ASCII, accented Latin letters) is written into a scratch buffer and
     * copied once into the String, as a compact string; others are decoded into Jackson's char
     * buffer, as Jackson does. Only JSON's standard escapes and well-formed UTF-8 are read here;
     * anything Jackson would refuse, or treat by a feature (control characters, other escapes,
     * broken UTF-8, a string over the length limit), is left to Jackson from the string's start, so
     * the result and every error are Jackson's.
     */
    public String text() throws IOException {
      if (_currToken != JsonToken.VALUE_STRING || !_tokenIncomplete) {
        return getText();
      }
      byte[] b = _inputBuffer;
      int from = _inputPtr;
      int end = _inputEnd;
      int max = streamReadConstraints().getMaxStringLength();
      int at = plainRun(b, from, end);
      String s;
      if (at - from > max) {
        s = null; // over the limit: Jackson's error, before anything is copied
      } else if (at < end && b[at] == '"') {
        // ASCII: Latin-1 decoding is a plain copy into the String's bytes
        s = new String(b, from, at - from, ISO_8859_1);
        closingQuote = at;
      } else {
        s = decode(b, from, at, end, max);
      }
      if (s == null) {
        return getText();
      }
      _tokenIncomplete = false;
      _inputPtr = closingQuote + 1;
      _textBuffer.resetWithString(s);
      return s;
    }

    /** Values kept as {@link #identifiers} up to this many bytes. */
    private static final int MAX_IDENTIFIER = 64;

    /**
     * A kept parser's recent {@link FastJsonFactory#identifier} values, at a slot chosen by a hash
     * of their bytes; made on first use.
     */
    private String[] identifiers;

    String identifier() throws IOException {
      if (home == null || _currToken != JsonToken.VALUE_STRING || !_tokenIncomplete) {
        return text();
      }
      byte[] b = _inputBuffer;
      int from = _inputPtr;
      int at = plainRun(b, from, Math.min(_inputEnd, from + MAX_IDENTIFIER + 1));
      int n = at - from;
      if (at >= _inputEnd || b[at] != '"' || n > MAX_IDENTIFIER) {
        return text(); // longer, escaped or not ASCII
      }
      int h = 0;
      for (int i = from; i < at; i++) {
        h = 31 * h + b[i];
      }
      String[] kept = identifiers;
      if (kept == null) {
        kept = identifiers = new String[64];
      }
      int slot = (h ^ (h >>> 16)) & (kept.length - 1);
      String s = kept[slot];
      if (s == null || !sameAscii(s, b, from, n)) {
        s = new String(b, from, n, ISO_8859_1);
        kept[slot] = s;
      }
      _tokenIncomplete = false;
      _inputPtr = at + 1;
      _textBuffer.resetWithString(s);
      return s;
    }

    private static boolean sameAscii(String s, byte[] b, int from, int n) {
      if (s.length() != n) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) != b[from + i]) {
          return false;
        }
      }
      return true;
    }

    /** Where the closing quote of the string that {@link #decode} read is. */
    private int closingQuote;

    /**
     * The string starting at {@code from}, plain up to {@code at}, as Latin-1 bytes in a scratch
     * buffer until a char beyond Latin-1 turns up, then as chars; null to leave it to Jackson, also
     * as soon as it is seen to be longer than {@code max} chars (nothing larger is copied). The
     * scratch buffer is cleared afterwards: no text stays in it past its string.
     */
    private String decode(byte[] b, int from, int at, int end, int max) throws IOException {
      byte[] out = scratch(at - from + 64);
      scratchBuffer = out;
      scratchUsed = 0;
      try {
        System.arraycopy(b, from, out, 0, at - from);
        return decodeLatin1(b, at, end, max, out, at - from);
      } finally {
        Arrays.fill(scratchBuffer, 0, scratchUsed, (byte) 0);
        scratchBuffer = null;
      }
    }

    /** The scratch buffer {@link #decodeLatin1} writes, and how much of it (to clear it). */
    private byte[] scratchBuffer;

    private int scratchUsed;

    private String decodeLatin1(byte[] b, int at, int end, int max, byte[] out, int n)
        throws IOException {
      scratchUsed = n;
      while (at < end) {
        int c = b[at];
        int code;
        int next;
        if (c == '"') {
          closingQuote = at;
          return n > max ? null : new String(out, 0, n, ISO_8859_1);
        } else if (c == '\\') {
          int escape = escapeLength(b, at, end);
          if (escape == 0) {
            return null;
          }
          code = escape == 2 ? unescape(b[at + 1]) : unicode(b, at);
          next = at + escape;
        } else if (c < 0) {
          next = utf8Sequence(b, at, end);
          if (next < 0) {
            return null;
          }
          code = codePoint(b, at, next);
        } else {
          return null; // a control character: an error, or allowed by a feature
        }
        if (code > 0xFF) {
          return decodeChars(b, at, end, max, out, n);
        }
        out[n++] = (byte) code;
        scratchUsed = n;
        at = plainRun(b, next, end);
        if (n + (at - next) > max) {
          return null; // over the limit: Jackson's error
        }
        byte[] grown = room(out, n, at - next + 1);
        if (grown != out) {
          Arrays.fill(out, 0, n, (byte) 0); // the old buffer is dropped: leave no text in it
          out = scratchBuffer = grown;
        }
        System.arraycopy(b, next, out, n, at - next);
        n += at - next;
        scratchUsed = n;
      }
      return null; // unterminated: Jackson's error
    }

    /**
     * Goes on decoding at {@code at} into Jackson's char buffer, after the {@code n} Latin-1 chars
     * decoded so far into {@code latin1}.
     */
    private String decodeChars(byte[] b, int at, int end, int max, byte[] latin1, int n)
        throws IOException {
      char[] out = _textBuffer.emptyAndGetCurrentSegment();
      if (out.length < n + 64) {
        out = _textBuffer.expandCurrentSegment(n + 64 + (n >> 1));
      }
      for (int k = 0; k < n; k++) {
        out[k] = (char) (latin1[k] & 0xFF);
      }
      while (at < end) {
        int c = b[at];
        int next;
        if (c == '"') {
          if (n > max) {
            return null;
          }
          closingQuote = at;
          return _textBuffer.setCurrentAndReturn(n);
        } else if (c == '\\') {
          int escape = escapeLength(b, at, end);
          if (escape == 0) {
            return null;
          }
          // an escaped surrogate is one char, as Jackson keeps it, paired or not
          out[n++] = escape == 2 ? unescape(b[at + 1]) : (char) unicode(b, at);
          next = at + escape;
        } else if (c < 0) {
          next = utf8Sequence(b, at, end);
          if (next < 0) {
            return null;
          }
          int code = codePoint(b, at, next);
          if (code >= 0x10000) {
            code -= 0x10000;
            out[n++] = (char) (0xD800 | (code >> 10));
            out[n++] = (char) (0xDC00 | (code & 0x3FF));
          } else {
            out[n++] = (char) code;
          }
        } else {
          return null;
        }
        at = plainRun(b, next, end);
        if (n + (at - next) > max) {
          return null; // over the limit: Jackson's error
        }
        if (out.length - n < at - next + 2) {
          out = _textBuffer.expandCurrentSegment(n + (at - next) + 2 + (n >> 1));
        }
        for (int k = next; k < at; k++) {
          out[n++] = (char) b[k]; // ASCII
        }
      }
      return null;
    }
  }

  /**
   * The end of the well-formed UTF-8 sequence at {@code at} (a byte of 0x80 or more), or -1: by RFC
   * 3629, so no overlong form, no surrogate and nothing past U+10FFFF, which every Jackson version
   * reads alike.
   */
  static int utf8Sequence(byte[] b, int at, int end) {
    int lead = b[at] & 0xFF;
    int more = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
    if (lead < 0xC2 || lead > 0xF4 || at + more >= end) {
      return -1;
    }
    int code = lead & (0x3F >> more);
    for (int k = 1; k <= more; k++) {
      int d = b[at + k];
      if ((d & 0xC0) != 0x80) {
        return -1;
      }
      code = (code << 6) | (d & 0x3F);
    }
    boolean wellFormed =
        more == 1
            || (more == 2 && code >= 0x800 && (code < 0xD800 || code > 0xDFFF))
            || (more == 3 && code >= 0x10000 && code <= 0x10FFFF);
    return wellFormed ? at + 1 + more : -1;
  }

  /** The code point of the well-formed UTF-8 sequence {@code b[at..next)}. */
  private static int codePoint(byte[] b, int at, int next) {
    int more = next - at - 1;
    int code = b[at] & (0x3F >> more);
    for (int k = at + 1; k < next; k++) {
      code = (code << 6) | (b[k] & 0x3F);
    }
    return code;
  }

  private static int unicode(byte[] b, int at) {
    return (hex(b[at + 2]) << 12) | (hex(b[at + 3]) << 8) | (hex(b[at + 4]) << 4) | hex(b[at + 5]);
  }

  /** Scratch bytes kept per thread up to this size; a longer string gets its own buffer. */
  private static final int MAX_KEPT_SCRATCH = 64 * 1024;

  private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);

  /** This thread's kept scratch buffer, or null: for tests that check it holds no text. */
  static byte[] keptScratch() {
    return SCRATCH.get()[0];
  }

  private static byte[] scratch(int size) {
    byte[][] holder = SCRATCH.get();
    byte[] kept = holder[0];
    if (kept != null && kept.length >= size) {
      return kept;
    }
    byte[] fresh = new byte[Math.max(size, 4096)];
    if (fresh.length <= MAX_KEPT_SCRATCH) {
      holder[0] = fresh;
    }
    return fresh;
  }

  /** {@code out}, or a copy of its first {@code used} bytes with {@code more} bytes of room. */
  private static byte[] room(byte[] out, int used, int more) {
    if (out.length - used >= more) {
      return out;
    }
    byte[] grown = Arrays.copyOf(out, Math.max(used + more, used + (used >> 1)));
    if (grown.length <= MAX_KEPT_SCRATCH) {
      SCRATCH.get()[0] = grown;
    }
    return grown;
  }

  /**
   * The length of the escape sequence at {@code at} (a backslash) that Jackson reads the same way
   * under every feature: 2 for a one-letter escape, 6 for {@code \\uXXXX}; 0 for anything else.
   */
  private static int escapeLength(byte[] b, int at, int end) {
    if (at + 1 >= end) {
      return 0;
    }
    byte e = b[at + 1];
    if (e == 'u') {
      if (at + 6 > end) {
        return 0;
      }
      for (int k = at + 2; k < at + 6; k++) {
        if (hex(b[k]) < 0) {
          return 0;
        }
      }
      return 6;
    }
    return unescape(e) == 0 ? 0 : 2;
  }

  /** The char a one-letter escape stands for; 0 when {@code e} is not one of JSON's. */
  private static char unescape(byte e) {
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return 0;
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
