package dev.aperture.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeptPerThreadTest {
  private final AtomicInteger made = new AtomicInteger();
  private final KeptPerThread<StringBuilder> kept =
      new KeptPerThread<>(
          () -> {
            made.incrementAndGet();
            return new StringBuilder();
          });

  @Test
  void oneObjectIsLentAtATimeAndComesBackOnlyToAnEmptySlot() {
    Object[] slot = kept.slot();
    StringBuilder first = kept.borrow(slot);
    assertNull(kept.kept(), "taken out while lent");
    Object[] inner = kept.slot();
    StringBuilder nested = kept.borrow(inner);
    assertNotSame(first, nested, "a use inside another gets its own");
    kept.giveBack(inner, nested);
    kept.giveBack(slot, first); // the slot is taken by now: first is dropped
    assertSame(nested, kept.kept());
    assertSame(nested, kept.borrow(kept.slot()));
    assertEquals(2, made.get());
  }

  @Test
  void aUseThatDoesNotGiveBackLeavesNothingKept() {
    Object[] slot = kept.slot();
    kept.borrow(slot).append("half-filled");
    assertNull(kept.kept());
    assertEquals(0, kept.borrow(slot).length(), "a new one, not the dropped one");
  }

  @Test
  void eachThreadHasItsOwn() throws Exception {
    Object[] slot = kept.slot();
    StringBuilder mine = kept.borrow(slot);
    kept.giveBack(slot, mine);
    StringBuilder theirs = CompletableFuture.supplyAsync(() -> kept.borrow(kept.slot())).get();
    assertNotSame(mine, theirs);
    assertSame(mine, kept.kept());
  }
}
