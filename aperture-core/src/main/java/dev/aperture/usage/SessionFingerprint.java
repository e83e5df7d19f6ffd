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

  /** The session id for {@code request}. */
  public static String sessionId(ChatRequest request) {
    if (request.sessionId().isPresent() && !request.sessionId().get().isBlank()) {
      return request.sessionId().get();
    }
    StringBuilder seed = new StringBuilder();
    String firstUser = null;
    for (Message m : request.messages()) {
      if (m.role() == Role.SYSTEM) {
        seed.append("system:").append(m.text()).append('\n');
      } else if (m.role() == Role.USER && firstUser == null) {
        firstUser = m.text();
      }
    }
    if (firstUser == null && seed.length() == 0) {
      return Ids.randomUuid().toString();
    }
    seed.append("user:").append(firstUser == null ? "" : firstUser);
    return fingerprint(seed.toString());
  }

  /** A stable 32-hex-digit id derived from {@code text}. */
  public static String fingerprint(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "fp-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
