package dev.aperture.examples.gateway;

import dev.aperture.ApertureException;
import java.util.concurrent.Semaphore;

/**
 * How many request-body bytes the gateway holds in memory at once, across all requests. Each body
 * takes its bytes as they are read and gives them back when its exchange ends; when the budget is
 * spent, a request is answered 503 (retry shortly) instead of the heap running out.
 */
final class BodyBudget {
  /** A quarter of the heap, at most 256 MiB, at least one maximal body. */
  static final BodyBudget SHARED =
      new BodyBudget(
          (int)
              Math.max(
                  Endpoint.MAX_BODY_BYTES,
                  Math.min(256L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4)));

  private final Semaphore bytes;
  private final int capacityBytes;

  BodyBudget(int capacityBytes) {
    this.capacityBytes = capacityBytes;
    this.bytes = new Semaphore(capacityBytes);
  }

  /** Takes {@code n} bytes of the budget, or throws {@link Exhausted} (503) without waiting. */
  void acquire(int n) {
    if (!bytes.tryAcquire(n)) {
      throw new Exhausted();
    }
  }

  void release(int n) {
    if (n > 0) {
      bytes.release(n);
    }
  }

  int availableBytes() {
    return bytes.availablePermits();
  }

  int capacityBytes() {
    return capacityBytes;
  }

  /** The budget is spent: too many large bodies in flight. */
  static final class Exhausted extends ApertureException {
    private static final long serialVersionUID = 1L;

    Exhausted() {
      super("the gateway is holding too many large request bodies; retry shortly");
    }

    @Override
    public int httpStatus() {
      return 503;
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }
}
