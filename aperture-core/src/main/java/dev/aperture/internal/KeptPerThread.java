package dev.aperture.internal;

import java.util.function.Supplier;

/**
 * One reusable object per thread, lent to one use at a time: {@link #borrow} takes it out of the
 * thread's slot (a use inside another therefore gets a new one), {@link #giveBack} puts it back if
 * the slot is empty. A use that fails simply does not give it back, so whatever it half-filled is
 * dropped. Clearing it and deciding whether it has grown too large to keep are the caller's.
 *
 * <p>A caller takes {@link #slot()} once and passes it to both calls: one thread-local lookup per
 * use.
 */
public final class KeptPerThread<T> {
  private final ThreadLocal<Object[]> slots = ThreadLocal.withInitial(() -> new Object[1]);
  private final Supplier<T> make;

  public KeptPerThread(Supplier<T> make) {
    this.make = make;
  }

  /** This thread's slot. */
  public Object[] slot() {
    return slots.get();
  }

  /** The kept object, taken out of {@code slot}, or a new one when none is kept. */
  @SuppressWarnings("unchecked")
  public T borrow(Object[] slot) {
    Object kept = slot[0];
    if (kept == null) {
      return make.get();
    }
    slot[0] = null;
    return (T) kept;
  }

  /** Keeps {@code t} in {@code slot} unless another object is kept there meanwhile. */
  public void giveBack(Object[] slot, T t) {
    if (slot[0] == null) {
      slot[0] = t;
    }
  }

  /** What this thread keeps, or null (tests). */
  @SuppressWarnings("unchecked")
  public T kept() {
    return (T) slots.get()[0];
  }
}
