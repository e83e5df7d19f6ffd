package dev.aperture.usage;

import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.internal.Ids;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
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

  /** SHA-256 over UTF-8, fed from strings through a reused encoder and buffer. */
  private static final class Hasher {
    private final MessageDigest digest;
    private final CharsetEncoder utf8 =
        StandardCharsets.UTF_8
            .newEncoder()
            // as String.getBytes does: a lone surrogate becomes '?'
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer buf = ByteBuffer.allocate(4096);
    private final CharBuffer chars = CharBuffer.allocate(1024);

    Hasher() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by every JVM", e);
      }
    }

    void reset() {
      digest.reset();
      buf.clear();
    }

    void update(byte[] bytes) {
      drainIfFewerThan(bytes.length);
      buf.put(bytes);
    }

    void update(char c) {
      drainIfFewerThan(1);
      buf.put((byte) c);
    }

    /**
     * The UTF-8 bytes of {@code s}, the same as {@code s.getBytes(UTF_8)}. The text is copied in
     * chunks into an array-backed buffer: the encoder's fast (array) loop, where a wrapped String
     * would take its per-character one.
     */
    void update(String s) {
      int len = s.length();
      if (len == 0) {
        return;
      }
      utf8.reset();
      CharBuffer in = chars;
      in.clear();
      int off = 0;
      while (true) {
        int n = Math.min(in.remaining(), len - off);
        s.getChars(off, off + n, in.array(), in.position());
        in.position(in.position() + n);
        off += n;
        boolean last = off == len;
        in.flip();
        while (utf8.encode(in, buf, last).isOverflow()) {
          drain();
        }
        in.compact(); // keeps a high surrogate whose pair is in the next chunk
        if (last) {
          break;
        }
      }
      while (utf8.flush(buf).isOverflow()) {
        drain();
      }
    }

    private void drainIfFewerThan(int n) {
      if (buf.remaining() < n) {
        drain();
      }
    }

    private void drain() {
      buf.flip();
      digest.update(buf);
      buf.clear();
    }

    String finish() {
      drain();
      return "fp-" + HexFormat.of().formatHex(digest.digest(), 0, 16);
    }
  }
}
