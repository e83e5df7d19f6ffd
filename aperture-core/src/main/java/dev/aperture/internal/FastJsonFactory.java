package dev.aperture.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import java.io.IOException;
import java.io.InputStream;

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
    // '{' then a non-zero byte: UTF-8 without a BOM (UTF-16/32 would show a zero byte here)
    if (len >= 2
        && data[offset] == '{'
        && data[offset + 1] != 0
        && isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)) {
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
    return super._createParser(data, offset, len, ctxt);
  }

  /** Jackson's UTF-8 byte parser, plus {@link #jumpToClose}. */
  public static final class Parser extends UTF8StreamJsonParser {
    private final byte[] data;
    private final int start;

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
    }

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
  }
}
