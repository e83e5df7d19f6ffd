package dev.aperture.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes JSON strings into a byte generator faster than {@link JsonGenerator#writeString(String)},
 * with the same bytes. Jackson reads a {@code String} one {@code charAt} at a time and, after the
 * first character that needs escaping or is not ASCII (a newline or an "é" early in a prompt), the
 * rest of it on its slowest path. Here the characters are copied out in one bulk {@code getChars},
 * encoded in one tight loop into a per-thread byte buffer, and handed over with {@link
 * JsonGenerator#writeRawUTF8String}.
 *
 * <p>The output is Jackson's own, byte for byte (a differential test holds it to that): quote,
 * backslash and control characters escaped ({@code \b \t \n \f \r}, the others as {@code \\u00XX}),
 * other characters in UTF-8, and every surrogate escaped on its own as {@code \\uXXXX} (Jackson
 * does not join pairs). Short and very long strings, and generators that are not plain UTF-8 ones
 * (a writer-backed generator, custom escapes, escaped non-ASCII), go to Jackson. It reproduces
 * Jackson's default write features (upper-case hex, '/' not escaped, surrogates not combined),
 * which every generator in this library keeps.
 */
public final class JsonText {
  /** Below this, Jackson's loop is as fast as the copy here. */
  static final int MIN_CHARS = 16;

  /**
   * Above this, Jackson is used (it copies long strings out in segments, not by {@code charAt}):
   * the per-thread buffers stay under 8 KB of chars and 24 KB of bytes.
   */
  static final int MAX_CHARS = 4096;

  /** 0: written as is; otherwise the character after the backslash ({@code u}: four hex digits). */
  private static final byte[] ESCAPE = new byte[128];

  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'
  };

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\n'] = 'n';
    ESCAPE['\f'] = 'f';
    ESCAPE['\r'] = 'r';
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    char[] chars = new char[1024];
    byte[] bytes = new byte[4096];
  }

  private JsonText() {}

  /** {@code g.writeFieldName(name); writeString(g, value)}. */
  public static void writeField(JsonGenerator g, SerializableString name, String value)
      throws IOException {
    g.writeFieldName(name);
    writeString(g, value);
  }

  /** Writes {@code s} (not null) as a JSON string value, as {@code g.writeString(s)} would. */
  public static void writeString(JsonGenerator g, String s) throws IOException {
    int n = s.length();
    if (n < MIN_CHARS || n > MAX_CHARS || !plain(g)) {
      g.writeString(s);
      return;
    }
    if (n < MIN_KEPT_CHARS) {
      int p = encode(s, n);
      g.writeRawUTF8String(SCRATCH.get().bytes, 0, p);
      return;
    }
    // The same String object written again (a conversation's history, resent every turn, comes
    // back from the OpenAI decoder as the same objects): its bytes from the first time.
    int slot = System.identityHashCode(s) & (KEPT_SLOTS - 1);
    Kept kept = KEPT[slot];
    if (kept != null && kept.text == s && kept.utf8 != null) {
      g.writeRawUTF8String(kept.utf8, 0, kept.utf8.length);
      return;
    }
    int p = encode(s, n);
    byte[] b = SCRATCH.get().bytes;
    if (kept != null && kept.text == s) {
      // kept on its second writing only (text written once costs a marker, not a copy); copied
      // before anything else can run on this thread and reuse the scratch
      byte[] utf8 = Arrays.copyOf(b, p);
      KEPT[slot] = new Kept(s, utf8);
      g.writeRawUTF8String(utf8, 0, p);
    } else {
      g.writeRawUTF8String(b, 0, p);
      KEPT[slot] = new Kept(s, null);
    }
  }

  /** Strings this long or longer are kept once written twice. */
  static final int MIN_KEPT_CHARS = 64;

  /**
   * Power of two. At most ~8 MB: 256 × (up to 24 KB of bytes for 4,096 chars, plus the String). The
   * kept text is prompt text (a conversation's history) held in memory past its request, as the
   * OpenAI decoder's caches hold it; kept arrays are handed to the generator's output stream, which
   * must not modify what it is given (none of the library's streams does).
   */
  private static final int KEPT_SLOTS = 256;

  // Racy by design: a slot holds an immutable entry or null, and a lost update is only a miss.
  private static final Kept[] KEPT = new Kept[KEPT_SLOTS];

  /** A string and its escaped UTF-8 (null: seen once so far); final fields: safely shared. */
  private static final class Kept {
    final String text;
    final byte[] utf8;

    Kept(String text, byte[] utf8) {
      this.text = text;
      this.utf8 = utf8;
    }
  }

  /** Escapes and encodes {@code s} (of length {@code n}) into this thread's scratch bytes. */
  private static int encode(String s, int n) throws IOException {
    Scratch scratch = SCRATCH.get();
    char[] c = scratch.chars;
    if (c.length < n) {
      scratch.chars = c = new char[Math.max(n, c.length * 2)];
    }
    s.getChars(0, n, c, 0);
    byte[] b = scratch.bytes;
    // three bytes per character covers UTF-8; escapes (up to six) check for room as they go
    if (b.length < 3 * n) {
      scratch.bytes = b = new byte[Math.max(3 * n, b.length * 2)];
    }
    int p = 0;
    int i = 0;
    while (i < n) {
      // a run of characters written as they are: found here, copied in bulk by the String
      int run = i;
      while (i < n) {
        int ch = c[i];
        if (ch >= 0x80 || ESCAPE[ch] != 0) {
          break;
        }
        i++;
      }
      if (i > run) {
        copyAscii(s, run, i, b, p);
        p += i - run;
        if (i == n) {
          break;
        }
      }
      int ch = c[i++];
      if (ch < 0x80) {
        if (b.length - p < 6 + 3 * (n - i)) {
          scratch.bytes = b = grow(b, p, 6 * (n - i + 1));
        }
        byte e = ESCAPE[ch];
        b[p++] = '\\';
        b[p++] = e;
        if (e == 'u') {
          b[p++] = '0';
          b[p++] = '0';
          b[p++] = HEX[ch >> 4];
          b[p++] = HEX[ch & 0xF];
        }
      } else if (ch < 0x800) {
        b[p++] = (byte) (0xC0 | (ch >> 6));
        b[p++] = (byte) (0x80 | (ch & 0x3F));
      } else if (ch < 0xD800 || ch > 0xDFFF) {
        b[p++] = (byte) (0xE0 | (ch >> 12));
        b[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (ch & 0x3F));
      } else {
        // a surrogate, escaped on its own as Jackson does
        if (b.length - p < 6 + 3 * (n - i)) {
          scratch.bytes = b = grow(b, p, 6 * (n - i + 1));
        }
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[ch >> 12];
        b[p++] = HEX[(ch >> 8) & 0xF];
        b[p++] = HEX[(ch >> 4) & 0xF];
        b[p++] = HEX[ch & 0xF];
      }
    }
    return p;
  }

  /**
   * Copies {@code s[from, to)}, all ASCII, into {@code b} at {@code at}: the low byte of each char,
   * which for a Latin-1 string (most text) is one array copy.
   */
  @SuppressWarnings("deprecation")
  private static void copyAscii(String s, int from, int to, byte[] b, int at) {
    s.getBytes(from, to, b, at);
  }

  private static byte[] grow(byte[] b, int used, int more) {
    byte[] bigger = new byte[Math.max(used + more, b.length * 2)];
    System.arraycopy(b, 0, bigger, 0, used);
    return bigger;
  }

  /** A UTF-8 generator with Jackson's default escaping, whose bytes this class reproduces. */
  private static boolean plain(JsonGenerator g) {
    return g instanceof UTF8JsonGenerator
        && (g.getFeatureMask() & WRITE_FEATURES_MASK) == WRITE_FEATURES_DEFAULT
        && g.getCharacterEscapes() == null
        && g.getHighestEscapedChar() == 0;
  }

  /**
   * The write features that change how a string is written, and their defaults (hex upper case).
   */
  private static final int WRITE_FEATURES_MASK;

  private static final int WRITE_FEATURES_DEFAULT;

  static {
    @SuppressWarnings("deprecation")
    int hexUpper = JsonGenerator.Feature.WRITE_HEX_UPPER_CASE.getMask();
    @SuppressWarnings("deprecation")
    int slashes = JsonGenerator.Feature.ESCAPE_FORWARD_SLASHES.getMask();
    @SuppressWarnings("deprecation")
    int surrogates = JsonGenerator.Feature.COMBINE_UNICODE_SURROGATES_IN_UTF8.getMask();
    @SuppressWarnings("deprecation")
    int nonAscii = JsonGenerator.Feature.ESCAPE_NON_ASCII.getMask();
    WRITE_FEATURES_MASK = hexUpper | slashes | surrogates | nonAscii;
    WRITE_FEATURES_DEFAULT = hexUpper;
  }
}
