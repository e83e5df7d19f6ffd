package dev.aperture.access;

import dev.aperture.config.QuotaConfig;
import java.util.Collection;
import java.util.Map;

/**
 * Keeps the balances of the configuration's quota buckets: token buckets of nanodollars that start
 * full at their capacity and refill continuously at their rate, never above capacity.
 *
 * <p>The gateway's protocol: before dispatch {@link #precheck} refuses the call unless every bucket
 * it is charged to is positive; after the response {@link #debit} subtracts the call's cost from
 * all of them. Balances may go negative, which is how a call costing more than what was left is
 * still charged in full; the next precheck refuses until the rate has refilled the debt.
 *
 * <p>Every operation receives each bucket's {@link QuotaConfig} in its {@link ResolvedBucket}, so a
 * shared store (Redis, a database) can implement this interface with one atomic script per
 * operation and no separate configuration step. When the settings a bucket was created with differ
 * from the ones an operation passes, the bucket is refilled up to now under the old settings and
 * then follows the new ones, its balance capped to the new capacity.
 *
 * <p>Implementations are thread-safe: concurrent debits are neither lost nor applied twice.
 */
public interface QuotaLedger {
  /**
   * Refuses the call unless every bucket is positive. Buckets seen for the first time are full.
   *
   * @throws QuotaExceededException naming the refused bucket that takes longest to become positive
   */
  void precheck(Collection<ResolvedBucket> buckets);

  /**
   * Subtracts {@code costNanos} from every bucket (each once, even when named twice). Balances may
   * go negative.
   *
   * @throws IllegalArgumentException if {@code costNanos} is negative
   */
  void debit(Collection<ResolvedBucket> buckets, long costNanos);

  /** The bucket's balance now, in nanodollars; a bucket never charged is full. */
  long balanceNanos(ResolvedBucket bucket);

  /**
   * Applies the {@code quotas} of a reloaded configuration, keyed by template name as written:
   * existing buckets keep their balances, capped to a lowered capacity, and follow the new rate
   * from now on; buckets whose quota is no longer declared are dropped.
   */
  void applyConfig(Map<String, QuotaConfig> quotas);
}
