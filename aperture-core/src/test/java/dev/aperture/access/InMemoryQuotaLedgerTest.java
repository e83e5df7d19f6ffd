package dev.aperture.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.Grant;
import dev.aperture.config.QuotaConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryQuotaLedgerTest {
  private static final long DOLLAR = 1_000_000_000L;
  private static final long DAY_MILLIS = 86_400_000L;

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final InMemoryQuotaLedger ledger = InMemoryQuotaLedger.create(clock);

  /** $capacity, refilling $rate per day. */
  private static QuotaConfig daily(String name, long capacityDollars, long rateDollars) {
    return QuotaConfig.builder()
        .name(name)
        .capacityNanos(capacityDollars * DOLLAR)
        .refillNanos(rateDollars * DOLLAR)
        .periodMillis(DAY_MILLIS)
        .build();
  }

  private static ResolvedBucket bucket(QuotaConfig config) {
    return new ResolvedBucket(config.name(), config);
  }

  @Test
  void aNewBucketStartsFull() {
    ResolvedBucket b = bucket(daily("team", 10, 10));
    assertEquals(10 * DOLLAR, ledger.balanceNanos(b));
    ledger.precheck(List.of(b));
    ledger.debit(List.of(b), 3 * DOLLAR);
    assertEquals(7 * DOLLAR, ledger.balanceNanos(b));
  }

  @Test
  void refillIsExactAndCappedAtCapacity() {
    ResolvedBucket b = bucket(daily("team", 10, 10));
    ledger.debit(List.of(b), 10 * DOLLAR);
    assertEquals(0, ledger.balanceNanos(b));

    clock.advance(Duration.ofHours(6)); // a quarter of a day: $2.50
    assertEquals(2_500_000_000L, ledger.balanceNanos(b));
    clock.advance(Duration.ofHours(12));
    assertEquals(7_500_000_000L, ledger.balanceNanos(b));
    clock.advance(Duration.ofDays(3));
    assertEquals(10 * DOLLAR, ledger.balanceNanos(b));
  }

  @Test
  void fractionsOfANanodollarAreCarriedAcrossFrequentReads() {
    // 1 nanodollar per 1000 ms: a read every millisecond must not lose the fractions
    QuotaConfig slow =
        QuotaConfig.builder()
            .name("slow")
            .capacityNanos(100)
            .refillNanos(1)
            .periodMillis(1000)
            .build();
    ResolvedBucket b = bucket(slow);
    ledger.debit(List.of(b), 100);
    for (int i = 0; i < 2999; i++) {
      clock.advanceMillis(1);
      ledger.balanceNanos(b);
    }
    assertEquals(2, ledger.balanceNanos(b));
    clock.advanceMillis(1);
    assertEquals(3, ledger.balanceNanos(b));
  }

  @Test
  void refillOverAVeryLongTimeDoesNotOverflow() {
    QuotaConfig big =
        QuotaConfig.builder()
            .name("big")
            .capacityNanos(Long.MAX_VALUE / 2)
            .refillNanos(Long.MAX_VALUE / 4)
            .periodMillis(1)
            .build();
    ResolvedBucket b = bucket(big);
    ledger.debit(List.of(b), Long.MAX_VALUE);
    clock.advance(Duration.ofDays(365));
    assertEquals(Long.MAX_VALUE / 2, ledger.balanceNanos(b));
  }

  @Test
  void precheckRefusesAnEmptyBucketUntilItIsPositiveAgain() {
    ResolvedBucket b = bucket(daily("team", 10, 10)); // $10/day: 1 nanodollar per 8.64 µs
    ledger.debit(List.of(b), 10 * DOLLAR);
    QuotaExceededException e =
        assertThrows(QuotaExceededException.class, () -> ledger.precheck(List.of(b)));
    assertEquals("team", e.bucket());
    assertEquals(Duration.ofSeconds(1), e.retryAfter()); // 1 ms to refill, raised to the minimum
    assertEquals(429, e.httpStatus());
    assertTrue(e.retryable());

    clock.advanceMillis(1);
    ledger.precheck(List.of(b));
  }

  @Test
  void aNegativeBalanceGivesTheTimeToRepayTheDebt() {
    ResolvedBucket b = bucket(daily("team", 10, 24)); // $1 per hour
    ledger.debit(List.of(b), 13 * DOLLAR); // balance -$3
    assertEquals(-3 * DOLLAR, ledger.balanceNanos(b));
    QuotaExceededException e =
        assertThrows(QuotaExceededException.class, () -> ledger.precheck(List.of(b)));
    // $3 + 1 nanodollar at $1/h = 3 h + 3.6 µs, rounded up to the millisecond
    assertEquals(Duration.ofHours(3).plusMillis(1), e.retryAfter());
    assertEquals(10801, e.retryAfterSeconds());

    clock.advance(Duration.ofHours(3));
    assertThrows(QuotaExceededException.class, () -> ledger.precheck(List.of(b)));
    clock.advanceMillis(1);
    ledger.precheck(List.of(b));
  }

  @Test
  void precheckNamesTheRefusedBucketThatTakesLongest() {
    ResolvedBucket fast = bucket(daily("fast", 10, 240)); // $10/h
    ResolvedBucket slow = bucket(daily("slow", 10, 24)); // $1/h
    ResolvedBucket fine = bucket(daily("fine", 10, 24));
    ledger.debit(List.of(fast, slow), 12 * DOLLAR);
    QuotaExceededException e =
        assertThrows(
            QuotaExceededException.class, () -> ledger.precheck(List.of(fast, fine, slow)));
    assertEquals("slow", e.bucket());
    assertEquals(Duration.ofHours(2).plusMillis(1), e.retryAfter());
  }

  @Test
  void aBucketWithoutRefillReportsAnUnboundedWait() {
    QuotaConfig once =
        QuotaConfig.builder()
            .name("once")
            .capacityNanos(DOLLAR)
            .refillNanos(0)
            .periodMillis(DAY_MILLIS)
            .build();
    ResolvedBucket b = bucket(once);
    ledger.debit(List.of(b), DOLLAR);
    clock.advance(Duration.ofDays(1000));
    QuotaExceededException e =
        assertThrows(QuotaExceededException.class, () -> ledger.precheck(List.of(b)));
    assertEquals(Duration.ofMillis(Long.MAX_VALUE), e.retryAfter());
  }

  @Test
  void debitChargesEveryBucketOnceEvenWhenNamedTwice() {
    ResolvedBucket a = bucket(daily("a", 10, 10));
    ResolvedBucket b = bucket(daily("b", 5, 10));
    ledger.debit(List.of(a, b, a), 2 * DOLLAR);
    assertEquals(8 * DOLLAR, ledger.balanceNanos(a));
    assertEquals(3 * DOLLAR, ledger.balanceNanos(b));
    assertThrows(IllegalArgumentException.class, () -> ledger.debit(List.of(a), -1));
  }

  @Test
  void loweringCapacityOnReloadCapsTheBalanceAndKeepsOthers() {
    QuotaConfig before = daily("team", 10, 10);
    QuotaConfig other = daily("other", 10, 10);
    ledger.debit(List.of(bucket(before)), 2 * DOLLAR); // $8 left
    ledger.debit(List.of(bucket(other)), 9 * DOLLAR); // $1 left

    QuotaConfig lowered = daily("team", 5, 10);
    ledger.applyConfig(Map.of("team", lowered, "other", other));
    assertEquals(5 * DOLLAR, ledger.balanceNanos(bucket(lowered)));
    assertEquals(1 * DOLLAR, ledger.balanceNanos(bucket(other)));

    // raising it again does not give the money back
    QuotaConfig raised = daily("team", 20, 10);
    ledger.applyConfig(Map.of("team", raised, "other", other));
    assertEquals(5 * DOLLAR, ledger.balanceNanos(bucket(raised)));
  }

  @Test
  void aRateChangeAppliesFromTheReloadOn() {
    QuotaConfig before = daily("team", 10, 24); // $1/h
    ledger.debit(List.of(bucket(before)), 10 * DOLLAR);
    clock.advance(Duration.ofHours(2)); // $2 earned at the old rate
    QuotaConfig faster = daily("team", 10, 48); // $2/h
    ledger.applyConfig(Map.of("team", faster));
    clock.advance(Duration.ofHours(1));
    assertEquals(4 * DOLLAR, ledger.balanceNanos(bucket(faster)));
  }

  @Test
  void operationsFollowTheSettingsTheyAreGivenWithoutAReload() {
    QuotaConfig before = daily("team", 10, 10);
    ledger.debit(List.of(bucket(before)), DOLLAR); // $9 left
    QuotaConfig lowered = daily("team", 4, 10);
    assertEquals(4 * DOLLAR, ledger.balanceNanos(bucket(lowered)));
  }

  @Test
  void removedBucketsAreDroppedOnReload() {
    QuotaConfig team = daily("team", 10, 10);
    ledger.debit(List.of(bucket(team)), 10 * DOLLAR);
    ledger.applyConfig(Map.of());
    // declared again later, it starts afresh
    ledger.applyConfig(Map.of("team", team));
    assertEquals(10 * DOLLAR, ledger.balanceNanos(bucket(team)));
  }

  @Test
  void userTemplatesGiveEachCallerTheirOwnBucket() {
    QuotaConfig daily = daily("daily-<user>", 10, 10);
    AccessPolicy policy =
        AccessPolicy.from(
            ApertureConfig.builder()
                .addGrant(
                    Grant.builder()
                        .addSrc("*")
                        .role("user")
                        .addModel("**")
                        .addQuotaBucket("daily-<user>")
                        .build())
                .putQuota("daily-<user>", daily)
                .build());
    Identity alice = Identity.of("alice@example.com");
    Identity bob = Identity.of("bob@example.com");

    ledger.debit(policy.quotaBuckets(alice), 10 * DOLLAR);
    assertThrows(QuotaExceededException.class, () -> ledger.precheck(policy.quotaBuckets(alice)));
    ledger.precheck(policy.quotaBuckets(bob));
    assertEquals(10 * DOLLAR, ledger.balanceNanos(policy.quotaBuckets(bob).get(0)));

    // a reload keeps per-user buckets of a template that is still declared
    ledger.applyConfig(Map.of("daily-<user>", daily));
    assertEquals(0, ledger.balanceNanos(policy.quotaBuckets(alice).get(0)));
  }

  @Test
  void concurrentDebitsAreNeitherLostNorDoubled() throws Exception {
    int threads = 16;
    int debitsPerThread = 5_000;
    ResolvedBucket shared = bucket(daily("shared", 1_000_000, 0));
    ResolvedBucket[] own = new ResolvedBucket[threads];
    for (int t = 0; t < threads; t++) {
      own[t] = bucket(daily("own-" + t, 1_000_000, 0));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        ResolvedBucket mine = own[t];
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < debitsPerThread; i++) {
                    ledger.precheck(List.of(shared, mine));
                    ledger.debit(List.of(shared, mine), 7);
                    if (i % 100 == 0) {
                      clock.advanceMillis(1); // time moves while others debit
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long capacity = 1_000_000 * DOLLAR;
    assertEquals(capacity - 7L * threads * debitsPerThread, ledger.balanceNanos(shared));
    for (ResolvedBucket b : own) {
      assertEquals(capacity - 7L * debitsPerThread, ledger.balanceNanos(b));
    }
  }
}
