package dev.aperture.access;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link AccessPolicy#check}: allowed with a role and the quota buckets to charge,
 * or denied with a reason. Immutable.
 */
public final class AccessDecision {
  private final String providerId;
  private final String model;
  private final AccessRole role;
  private final AccessDeniedException.Reason denial; // null when allowed
  private final List<ResolvedBucket> quotaBuckets;

  private AccessDecision(
      String providerId,
      String model,
      AccessRole role,
      AccessDeniedException.Reason denial,
      List<ResolvedBucket> quotaBuckets) {
    this.providerId = providerId;
    this.model = model;
    this.role = role;
    this.denial = denial;
    this.quotaBuckets = List.copyOf(quotaBuckets);
  }

  static AccessDecision allowed(
      String providerId, String model, AccessRole role, List<ResolvedBucket> buckets) {
    return new AccessDecision(providerId, model, role, null, buckets);
  }

  static AccessDecision denied(
      String providerId, String model, AccessRole role, AccessDeniedException.Reason why) {
    return new AccessDecision(providerId, model, role, why, List.of());
  }

  /** Whether the call may proceed (quotas permitting). */
  public boolean allowed() {
    return denial == null;
  }

  /** The caller's effective role; {@link AccessRole#NONE} when no grant gives one. */
  public AccessRole role() {
    return role;
  }

  /** Why the call is denied; empty when it is allowed. */
  public Optional<AccessDeniedException.Reason> denial() {
    return Optional.ofNullable(denial);
  }

  /** The {@code provider/model} that was checked. */
  public String target() {
    return providerId + "/" + model;
  }

  /** The buckets to precheck before and debit after the call; empty when denied. */
  public List<ResolvedBucket> quotaBuckets() {
    return quotaBuckets;
  }

  /**
   * Returns this decision when it allows the call.
   *
   * @throws AccessDeniedException when it does not
   */
  public AccessDecision orThrow() {
    if (denial != null) {
      throw new AccessDeniedException(denial, target());
    }
    return this;
  }

  @Override
  public String toString() {
    return allowed()
        ? "AccessDecision{allowed " + target() + " as " + role + ", buckets=" + bucketNames() + "}"
        : "AccessDecision{denied " + target() + ": " + denial + "}";
  }

  private List<String> bucketNames() {
    return quotaBuckets.stream().map(ResolvedBucket::name).toList();
  }
}
