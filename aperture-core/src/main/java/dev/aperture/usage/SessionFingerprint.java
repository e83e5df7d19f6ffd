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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
    int systems = 0;
    Message system = null;
    Message firstUser = null;
    List<Message> messages = request.messages();
    for (int i = 0, n = messages.size(); i < n; i++) { // no iterator: this runs on every call
      Message m = messages.get(i);
      if (m.role() == Role.SYSTEM) {
        systems++;
        system = m;
      } else if (m.role() == Role.USER && firstUser == null) {
        firstUser = m;
      }
    }
    if (firstUser == null && systems == 0) {
      return Ids.randomUuid().toString();
    }
    if (systems <= 1) {
      // Every turn of a conversation repeats its start: the id of the same two texts is reused.
      String systemText = system == null ? null : system.text();
      String userText = firstUser == null ? null : firstUser.text();
      String known = RECENT.get(systemText, userText);
      if (known != null) {
        return known;
      }
      Hasher h = HASHER.get();
      h.reset();
      if (systemText != null) {
        h.update(SYSTEM);
        h.update(systemText);
        h.update('\n');
      }
      h.update(USER);
      if (userText != null) {
        h.update(userText);
      }
      String id = h.finish();
      RECENT.put(systemText, userText, id);
      return id;
    }
    return digest(request, firstUser);
  }

  /** The SHA-256 id of a conversation's start with several system messages. */
  private static String digest(ChatRequest request, Message firstUser) {
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

  /**
   * Recent (system text, first user text) pairs and their ids, direct-mapped by the texts' lengths
   * and a few of their characters; a hit is confirmed by full equality, so a cached id is exactly
   * the digest the texts would give. Pairs longer than {@link #MAX_CACHED_CHARS} are not kept.
   */
  private static final RecentIds RECENT = new RecentIds();

  private static final int MAX_CACHED_CHARS = 64 * 1024;

  static final class RecentIds {
    private static final int SLOTS = 64;

    private record Entry(String system, String user, String id) {}

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    String get(String system, String user) {
      Entry e = slots.get(slot(system, user));
      // the user text first: conversations that share a system prompt differ there
      return e != null && Objects.equals(e.user, user) && Objects.equals(e.system, system)
          ? e.id
          : null;
    }

    void put(String system, String user, String id) {
      if (length(system) + length(user) <= MAX_CACHED_CHARS) {
        slots.set(slot(system, user), new Entry(system, user, id));
      }
    }

    private static int length(String s) {
      return s == null ? 0 : s.length();
    }

    /** From lengths and sampled characters: cheap, where a full hash would cost a pass. */
    private static int slot(String system, String user) {
      int h = 31 * sample(system) + sample(user);
      return (h ^ (h >>> 7) ^ (h >>> 15)) & (SLOTS - 1);
    }

    private static int sample(String s) {
      if (s == null) {
        return -1;
      }
      int n = s.length();
      int h = n;
      for (int i = 0; i < 8 && i < n; i++) {
        h = 31 * h + s.charAt(i) + 7 * s.charAt(n - 1 - i) + 3 * s.charAt((int) ((long) n * i / 8));
      }
      return h;
    }
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
