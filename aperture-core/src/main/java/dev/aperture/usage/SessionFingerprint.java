package dev.aperture.usage;

import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.internal.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Session ids for usage records: the client's own when it sent one, otherwise a fingerprint of the
 * conversation's start (system prompt + first user message), so every turn of one conversation gets
 * the same id; otherwise random.
 */
public final class SessionFingerprint {
  private SessionFingerprint() {}

  private static final byte[] SYSTEM = "system:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] USER = "user:".getBytes(StandardCharsets.US_ASCII);

  /** One digest and one byte buffer per thread: a fingerprint allocates only its answer. */
  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  /** The session id for {@code request}. */
  public static String sessionId(ChatRequest request) {
    if (request.sessionId().isPresent() && !request.sessionId().get().isBlank()) {
      return request.sessionId().get();
    }
    boolean system = false;
    Message firstUser = null;
    for (Message m : request.messages()) {
      if (m.role() == Role.SYSTEM) {
        system = true;
      } else if (m.role() == Role.USER && firstUser == null) {
        firstUser = m;
      }
    }
    if (firstUser == null && !system) {
      return Ids.randomUuid().toString();
    }
    // The digest of "system:<text>\n" per system message, then "user:<first user text>", fed
    // piecewise: the same bytes as the concatenated seed, without building it.
    Hasher h = HASHER.get();
    h.reset();
    for (Message m : request.messages()) {
      if (m.role() == Role.SYSTEM) {
        h.update(SYSTEM);
        h.update(m.text());
        h.update('\n');
      }
    }
    h.update(USER);
    if (firstUser != null) {
      h.update(firstUser.text());
    }
    return h.finish();
  }

  /** A stable 32-hex-digit id derived from {@code text}. */
  public static String fingerprint(String text) {
    Hasher h = HASHER.get();
    h.reset();
    h.update(text);
    return h.finish();
  }

  /** SHA-256 over UTF-8, fed from strings through a reused buffer. */
  private static final class Hasher {
    private final MessageDigest digest;
    private final byte[] buf = new byte[1024];
    private int n;

    Hasher() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by every JVM", e);
      }
    }

    void reset() {
      digest.reset();
      n = 0;
    }

    void update(byte[] bytes) {
      for (byte b : bytes) {
        put(b);
      }
    }

    void update(char c) {
      put((byte) c);
    }

    /** The UTF-8 bytes of {@code s}; an unpaired surrogate becomes '?', as String.getBytes does. */
    void update(String s) {
      int len = s.length();
      for (int i = 0; i < len; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          put((byte) c);
        } else if (c < 0x800) {
          put((byte) (0xC0 | (c >> 6)));
          put((byte) (0x80 | (c & 0x3F)));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < len
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          put((byte) (0xF0 | (cp >> 18)));
          put((byte) (0x80 | ((cp >> 12) & 0x3F)));
          put((byte) (0x80 | ((cp >> 6) & 0x3F)));
          put((byte) (0x80 | (cp & 0x3F)));
        } else if (Character.isSurrogate(c)) {
          put((byte) '?');
        } else {
          put((byte) (0xE0 | (c >> 12)));
          put((byte) (0x80 | ((c >> 6) & 0x3F)));
          put((byte) (0x80 | (c & 0x3F)));
        }
      }
    }

    private void put(byte b) {
      if (n == buf.length) {
        digest.update(buf, 0, n);
        n = 0;
      }
      buf[n++] = b;
    }

    String finish() {
      digest.update(buf, 0, n);
      n = 0;
      return "fp-" + HexFormat.of().formatHex(digest.digest(), 0, 16);
    }
  }
}
