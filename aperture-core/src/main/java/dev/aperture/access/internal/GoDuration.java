package dev.aperture.access.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Parses the configuration's duration strings, written as Go writes them: a sequence of decimal
 * numbers each with a unit, such as {@code 500ms}, {@code 5s}, {@code 1m30s} or {@code 1.5h}.
 * Units: {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}.
 * Negative durations are refused; {@code 0} alone is allowed.
 */
public final class GoDuration {
  private GoDuration() {}

  /**
   * @throws IllegalArgumentException if {@code text} is not a Go duration
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (i == start || (i == start + 1 && s.charAt(start) == '.')) {
        throw invalid(text);
      }
      BigDecimal number;
      try {
        number = new BigDecimal(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unitNanos = nanosPer(s.substring(unitStart, i), text);
      totalNanos = totalNanos.add(number.multiply(BigDecimal.valueOf(unitNanos)));
    }
    try {
      return Duration.ofNanos(totalNanos.setScale(0, RoundingMode.DOWN).longValueExact());
    } catch (ArithmeticException tooLong) {
      throw invalid(text);
    }
  }

  private static long nanosPer(String unit, String text) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "µs":
      case "μs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        throw invalid(text);
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "not a duration: \"" + text + "\" (expected e.g. 500ms, 5s, 1m30s)");
  }
}
