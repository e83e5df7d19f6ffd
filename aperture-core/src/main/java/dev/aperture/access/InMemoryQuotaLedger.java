package dev.aperture.access;

import dev.aperture.config.QuotaConfig;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link QuotaLedger} in this process's memory: one bucket per resolved name, each guarded by its
 * own lock, so calls charged to different buckets never wait for each other. Balances are lost when
 * the process ends; use a shared store to keep them across restarts or gateway replicas.
 *
 * <p>Refill is computed lazily from the clock's elapsed milliseconds in exact integer arithmetic:
 * the fraction of a nanodollar a short interval earns is carried to the next one, so frequent calls
 * refill exactly as fast as rare ones. (The fraction is dropped when a bucket changes settings.)
 */
public final class InMemoryQuotaLedger implements QuotaLedger {
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private InMemoryQuotaLedger(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A ledger that reads time from the system clock. */
  public static InMemoryQuotaLedger create() {
    return create(Clock.systemUTC());
  }

  /** A ledger that reads time from {@code clock} (tests pass a clock they control). */
  public static InMemoryQuotaLedger create(Clock clock) {
    return new InMemoryQuotaLedger(clock);
  }

  @Override
  public void precheck(Collection<ResolvedBucket> resolved) {
    if (resolved.isEmpty()) {
      return;
    }
    long nowMillis = clock.millis();
    String worstName = null;
    long worstWaitMillis = 0;
    for (ResolvedBucket rb : resolved) {
      long waitMillis = bucket(rb, nowMillis).millisUntilPositive(rb.config(), nowMillis);
      if (waitMillis > 0 && (worstName == null || waitMillis > worstWaitMillis)) {
        worstName = rb.name();
        worstWaitMillis = waitMillis;
      }
    }
    if (worstName != null) {
      throw new QuotaExceededException(worstName, Duration.ofMillis(worstWaitMillis));
    }
  }

  @Override
  public void debit(Collection<ResolvedBucket> resolved, long costNanos) {
    if (costNanos < 0) {
      throw new IllegalArgumentException("costNanos must not be negative: " + costNanos);
    }
    if (costNanos == 0 || resolved.isEmpty()) {
      return;
    }
    long nowMillis = clock.millis();
    Set<String> seen = resolved.size() > 1 ? new HashSet<>() : null;
    for (ResolvedBucket rb : resolved) {
      if (seen == null || seen.add(rb.name())) {
        bucket(rb, nowMillis).debit(rb.config(), nowMillis, costNanos);
      }
    }
  }

  @Override
  public long balanceNanos(ResolvedBucket rb) {
    long nowMillis = clock.millis();
    Bucket b = buckets.get(rb.name());
    return b == null ? rb.config().capacityNanos() : b.balanceNanos(rb.config(), nowMillis);
  }

  @Override
  public void applyConfig(Map<String, QuotaConfig> quotas) {
    long nowMillis = clock.millis();
    buckets
        .values()
        .removeIf(
            b -> {
              QuotaConfig next = quotas.get(b.templateName());
              if (next == null) {
                return true;
              }
              b.balanceNanos(next, nowMillis);
              return false;
            });
  }

  private Bucket bucket(ResolvedBucket rb, long nowMillis) {
    Bucket b = buckets.get(rb.name());
    return b != null
        ? b
        : buckets.computeIfAbsent(rb.name(), n -> new Bucket(rb.config(), nowMillis));
  }

  @Override
  public String toString() {
    return "InMemoryQuotaLedger{" + buckets.size() + " buckets}";
  }

  /**
   * One token bucket. All state is guarded by the bucket's monitor. {@code remainder} is the
   * fraction of a nanodollar already earned, in units of 1/{@code periodMillis} nanodollar.
   */
  private static final class Bucket {
    private QuotaConfig config;
    private long balanceNanos;
    private long lastMillis;
    private long remainder;

    Bucket(QuotaConfig config, long nowMillis) {
      this.config = config;
      this.balanceNanos = config.capacityNanos();
      this.lastMillis = nowMillis;
    }

    synchronized String templateName() {
      return config.name();
    }

    synchronized long balanceNanos(QuotaConfig current, long nowMillis) {
      advance(current, nowMillis);
      return balanceNanos;
    }

    synchronized void debit(QuotaConfig current, long nowMillis, long costNanos) {
      advance(current, nowMillis);
      balanceNanos = saturatedSubtract(balanceNanos, costNanos);
    }

    /** Milliseconds until the balance is at least one nanodollar; 0 if it is now. */
    synchronized long millisUntilPositive(QuotaConfig current, long nowMillis) {
      advance(current, nowMillis);
      if (balanceNanos > 0) {
        return 0;
      }
      long refill = config.refillNanos();
      if (refill <= 0 || config.capacityNanos() <= 0 || config.periodMillis() <= 0) {
        return Long.MAX_VALUE; // never refills
      }
      // (1 - balance) nanodollars are missing, less the fraction already earned
      BigInteger missing =
          BigInteger.ONE
              .subtract(BigInteger.valueOf(balanceNanos))
              .multiply(BigInteger.valueOf(config.periodMillis()))
              .subtract(BigInteger.valueOf(remainder));
      BigInteger[] qr = missing.divideAndRemainder(BigInteger.valueOf(refill));
      BigInteger millis = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
      return millis.bitLength() < Long.SIZE ? millis.longValue() : Long.MAX_VALUE;
    }

    /** Refills up to {@code nowMillis} under the current settings, then follows {@code next}. */
    private void advance(QuotaConfig next, long nowMillis) {
      refill(nowMillis);
      if (next != config && !next.equals(config)) {
        config = next;
        remainder = 0;
        if (balanceNanos > next.capacityNanos()) {
          balanceNanos = next.capacityNanos();
        }
      }
    }

    private void refill(long nowMillis) {
      if (nowMillis <= lastMillis) {
        return; // no time passed, or the clock stepped back: never refill twice
      }
      long elapsedMillis = nowMillis - lastMillis;
      lastMillis = nowMillis;
      long capacity = config.capacityNanos();
      if (balanceNanos >= capacity) {
        remainder = 0;
        return;
      }
      long refill = config.refillNanos();
      long period = config.periodMillis();
      if (refill <= 0 || period <= 0) {
        return;
      }
      long room = saturatedSubtract(capacity, balanceNanos);
      long numerator;
      try {
        numerator = Math.addExact(Math.multiplyExact(elapsedMillis, refill), remainder);
      } catch (ArithmeticException beyondLong) {
        BigInteger[] qr =
            BigInteger.valueOf(elapsedMillis)
                .multiply(BigInteger.valueOf(refill))
                .add(BigInteger.valueOf(remainder))
                .divideAndRemainder(BigInteger.valueOf(period));
        if (qr[0].compareTo(BigInteger.valueOf(room)) >= 0) {
          fill();
        } else {
          balanceNanos += qr[0].longValue();
          remainder = qr[1].longValue();
        }
        return;
      }
      long earnedNanos = numerator / period;
      if (earnedNanos >= room) {
        fill();
      } else {
        balanceNanos += earnedNanos;
        remainder = numerator % period;
      }
    }

    private void fill() {
      balanceNanos = config.capacityNanos();
      remainder = 0;
    }

    private static long saturatedSubtract(long a, long b) {
      long r = a - b;
      // overflow iff the operands have different signs and the result's sign differs from a's
      if (((a ^ b) & (a ^ r)) < 0) {
        return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      return r;
    }
  }
}
