package dev.aperture.internal;

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
}
