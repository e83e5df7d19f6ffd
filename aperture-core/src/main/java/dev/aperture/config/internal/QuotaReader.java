package dev.aperture.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.config.ImmutableQuotaConfig;
import dev.aperture.config.QuotaConfig;
import java.util.OptionalLong;
import java.util.Set;

/** Reads one entry of {@code quotas}: {@code {capacity, rate, on_exceed}}. */
final class QuotaReader {
  private static final Set<String> FIELDS = Set.of("capacity", "rate", "on_exceed");

  private final Issues issues;
  private final Fields fields;

  QuotaReader(Issues issues) {
    this.issues = issues;
    this.fields = new Fields(issues);
  }

  /** The quota {@code name} at {@code path}, or null when it has errors (all reported). */
  QuotaConfig read(String name, JsonNode node, String path) {
    if (!node.isObject()) {
      fields.typeError(path, "a quota", "an object {capacity, rate, on_exceed}", node);
      return null;
    }
    int errorsBefore = issues.errorCount();
    ImmutableQuotaConfig.Builder b = QuotaConfig.builder().name(name);

    // Amounts are not quoted back: the path says which one, the form says what was expected.
    String capacityAt = ConfigPath.key(path, "capacity");
    String capacity =
        fields.requiredString(
            node, "capacity", capacityAt, "capacity is required: " + DollarAmounts.AMOUNT_FORM);
    if (capacity != null) {
      OptionalLong nanos = DollarAmounts.parseNanos(capacity);
      if (nanos.isPresent()) {
        b.capacityNanos(nanos.getAsLong());
      } else {
        issues.error(capacityAt, "capacity must be " + DollarAmounts.AMOUNT_FORM);
      }
    }

    String rateAt = ConfigPath.key(path, "rate");
    String rate =
        fields.requiredString(node, "rate", rateAt, "rate is required: " + DollarAmounts.RATE_FORM);
    if (rate != null) {
      DollarAmounts.parseRate(rate)
          .ifPresentOrElse(
              r -> b.refillNanos(r.nanos()).periodMillis(r.periodMillis()),
              () -> issues.error(rateAt, "rate must be " + DollarAmounts.RATE_FORM));
    }

    String onExceedAt = ConfigPath.key(path, "on_exceed");
    String onExceed = fields.string(node, "on_exceed", onExceedAt);
    if (onExceed != null) {
      if (onExceed.equals("reject")) {
        b.onExceed(onExceed);
      } else {
        issues.error(onExceedAt, "on_exceed must be \"reject\", the only action defined");
      }
    }
    fields.warnUnknown((ObjectNode) node, FIELDS, path, "quota");
    return issues.errorCount() > errorsBefore ? null : b.build();
  }
}
