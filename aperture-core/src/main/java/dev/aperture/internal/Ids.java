package dev.aperture.internal;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids for records and answers. They need to be unique, not unguessable, so they come from
 * {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}'s contended SecureRandom.
 */
public final class Ids {
  private Ids() {}

  /** A random (version 4) UUID. */
  public static UUID randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb);
  }

  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  /** Each thread's buffer for {@link #prefixedHex}, so that an id costs only its String. */
  private static final ThreadLocal<byte[]> HEX_SCRATCH =
      ThreadLocal.withInitial(() -> new byte[64]);

  /**
   * {@code prefix} (ASCII) followed by the 32 lowercase hex digits of a random version 4 UUID
   * without its dashes, e.g. {@code msg_3f2b…}: the same as {@code prefix +
   * randomUuid().toString().replace("-", "")}, written into a buffer kept by the thread and copied
   * once into the String.
   */
  public static String prefixedHex(String prefix) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    int n = prefix.length();
    byte[] b = n + 32 <= 64 ? HEX_SCRATCH.get() : new byte[n + 32];
    for (int i = 0; i < n; i++) {
      char c = prefix.charAt(i);
      if (c >= 0x80) {
        throw new IllegalArgumentException("the prefix must be ASCII");
      }
      b[i] = (byte) c;
    }
    for (int i = 0; i < 16; i++) {
      b[n + i] = HEX[(int) (msb >>> (60 - 4 * i)) & 0xF];
      b[n + 16 + i] = HEX[(int) (lsb >>> (60 - 4 * i)) & 0xF];
    }
    return new String(b, 0, n + 32, StandardCharsets.ISO_8859_1);
  }
}
