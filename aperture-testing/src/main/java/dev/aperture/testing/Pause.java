package dev.aperture.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gate that holds one emulated answer until the test releases it: give it to {@link
 * Reply#pauseAfterFirstDelta(Pause)}, read what the client has so far, then call {@link
 * #release()}.
 *
 * <p>For streaming operations the emulator writes and flushes every frame up to and including the
 * first content delta, marks the pause {@linkplain #isReached() reached} and waits; the client can
 * already read those frames. For non-streaming operations the whole answer (headers included) is
 * held. One pause holds one answer at a time but may be shared: once released it no longer holds
 * anything. Thread-safe.
 *
 * <p>A pause never released is let go when the emulator closes, or after {@link #MAX_HOLD}, when
 * the emulator drops the connection instead of finishing the answer (a forgotten release should
 * fail a test, not hang it).
 */
public final class Pause {
  /** How long the emulator holds an answer that nobody releases. */
  public static final Duration MAX_HOLD = Duration.ofMinutes(2);

  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  private Pause() {}

  /** A pause that has not been reached or released. */
  public static Pause create() {
    return new Pause();
  }

  /** Lets the held answer continue (and any later one pass). Idempotent. */
  public void release() {
    released.countDown();
  }

  /** Whether {@link #release()} was called (or the emulator let go when it closed). */
  public boolean isReleased() {
    return released.getCount() == 0;
  }

  /** Whether an answer has reached the pause point (its first delta is on the wire). */
  public boolean isReached() {
    return reached.getCount() == 0;
  }

  /**
   * Waits until an answer reaches the pause point.
   *
   * @return whether it did within {@code timeout}
   */
  public boolean awaitReached(Duration timeout) throws InterruptedException {
    return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Emulator side: the answer is at the pause point (its last frame is being flushed). */
  void markReached() {
    reached.countDown();
  }

  /**
   * Emulator side: marks the pause reached and waits for the release.
   *
   * @return whether it was released (false when {@link #MAX_HOLD} passed first)
   */
  boolean hold() throws InterruptedException {
    reached.countDown();
    return released.await(MAX_HOLD.toNanos(), TimeUnit.NANOSECONDS);
  }
}
