package dev.aperture.config.internal;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quota syntax for money: amounts such as {@code "$10.00"} and rates such as {@code
 * "$10.00/day"}. Amounts are exact: they become nanodollars (USD × 10⁹) through {@link BigDecimal},
 * never through a {@code double}.
 */
public final class DollarAmounts {
  /** A refill rate: {@code nanos} every {@code periodMillis}. */
  public record Rate(long nanos, long periodMillis) {}

  /** How a malformed amount should have been written. */
  static final String AMOUNT_FORM =
      "a dollar amount such as \"$10.00\" ('$', digits, at most 9 decimals)";

  /** How a malformed rate should have been written. */
  static final String RATE_FORM =
      "a dollar amount per period such as \"$10.00/day\", the period being one of min, hour,"
          + " day, week or month (30 days)";

  private static final Pattern AMOUNT = Pattern.compile("\\$([0-9]+(?:\\.[0-9]{1,9})?)");

  private static final Map<String, Long> PERIOD_MILLIS =
      Map.of(
          "min", TimeUnit.MINUTES.toMillis(1),
          "minute", TimeUnit.MINUTES.toMillis(1),
          "hour", TimeUnit.HOURS.toMillis(1),
          "day", TimeUnit.DAYS.toMillis(1),
          "week", TimeUnit.DAYS.toMillis(7),
          "month", TimeUnit.DAYS.toMillis(30));

  private DollarAmounts() {}

  /**
   * {@code "$10.00"} as nanodollars; empty when the text is not such an amount or does not fit in a
   * {@code long}.
   */
  public static OptionalLong parseNanos(String amount) {
    Matcher m = AMOUNT.matcher(amount);
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(new BigDecimal(m.group(1)).movePointRight(9).longValueExact());
    } catch (ArithmeticException tooLarge) {
      return OptionalLong.empty();
    }
  }

  /** {@code "$10.00/day"} as a rate; empty when the text is not such a rate. */
  public static Optional<Rate> parseRate(String rate) {
    int slash = rate.lastIndexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    OptionalLong nanos = parseNanos(rate.substring(0, slash));
    Long period = PERIOD_MILLIS.get(rate.substring(slash + 1).toLowerCase(Locale.ROOT));
    if (nanos.isEmpty() || period == null) {
      return Optional.empty();
    }
    return Optional.of(new Rate(nanos.getAsLong(), period));
  }
}
