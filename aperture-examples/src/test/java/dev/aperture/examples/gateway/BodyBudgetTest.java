package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {
  @Test
  void bodiesBeyondTheBudgetAreRefusedWith503UntilBytesAreGivenBack() {
    BodyBudget budget = new BodyBudget(100);
    budget.acquire(60);
    BodyBudget.Exhausted e = assertThrows(BodyBudget.Exhausted.class, () -> budget.acquire(50));
    assertEquals(503, e.httpStatus());
    assertTrue(e.retryable());
    assertEquals(40, budget.availableBytes(), "a refused acquire takes nothing");
    budget.release(60);
    budget.acquire(100);
    assertEquals(0, budget.availableBytes());
  }

  @Test
  void theSharedBudgetHoldsAtLeastOneMaximalBody() {
    assertTrue(BodyBudget.SHARED.capacityBytes() >= Endpoint.MAX_BODY_BYTES);
  }
}
