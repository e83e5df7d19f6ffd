package dev.aperture.config.internal;

import static dev.aperture.config.internal.Documents.BASE;
import static dev.aperture.config.internal.Documents.onlyError;
import static dev.aperture.config.internal.Documents.readConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.config.ConfigIssue;
import dev.aperture.config.QuotaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuotaReaderTest {
  /** A document declaring quota {@code q} as {@code quota}, referenced by a grant. */
  private static String doc(String quota) {
    return "{\"providers\": {\"p\": {"
        + BASE
        + "}}, \"quotas\": {\"q\": "
        + quota
        + "}, \"grants\": [{\"src\": [\"*\"], \"app\": {\"tailscale.com/cap/aperture\":"
        + " [{\"quotas\": [{\"bucket\": \"q\"}]}]}}]}";
  }

  private static QuotaConfig quota(String capacity, String rate) {
    return readConfig(doc("{\"capacity\": \"" + capacity + "\", \"rate\": \"" + rate + "\"}"))
        .quotas()
        .get("q");
  }

  @Test
  void aQuotaIsReadExactlyInNanodollars() {
    QuotaConfig q = quota("$10.00", "$10.00/day");
    assertEquals("q", q.name());
    assertEquals(10_000_000_000L, q.capacityNanos());
    assertEquals(10_000_000_000L, q.refillNanos());
    assertEquals(86_400_000L, q.periodMillis());
    assertEquals("reject", q.onExceed());
  }

  @Test
  void theSmallestAmountIsOneNanodollar() {
    assertEquals(1L, quota("$0.000000001", "$0.1/hour").capacityNanos());
    assertEquals(100_000_000L, quota("$0.000000001", "$0.1/hour").refillNanos());
  }

  @ParameterizedTest
  @CsvSource({
    "min, 60000",
    "minute, 60000",
    "hour, 3600000",
    "day, 86400000",
    "week, 604800000",
    "month, 2592000000",
  })
  void eachRateUnitHasItsPeriod(String unit, long periodMillis) {
    QuotaConfig q = quota("$5", "$1.25/" + unit);
    assertEquals(periodMillis, q.periodMillis());
    assertEquals(1_250_000_000L, q.refillNanos());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.00", "$", "$1.0000000001", "$1e3", "$-1", "$ 1", "$99999999999"})
  void aMalformedCapacityIsAnErrorShowingTheExpectedForm(String capacity) {
    ConfigIssue issue =
        onlyError(
            doc("{\"capacity\": \"" + capacity + "\", \"rate\": \"$1/day\"}"), "quotas.q.capacity");
    assertTrue(issue.message().contains("\"$10.00\""), issue.message());
  }

  @ParameterizedTest
  @ValueSource(strings = {"$10", "$10/fortnight", "10/day", "$10/", "/day", "$10/days"})
  void aMalformedRateIsAnErrorShowingTheExpectedForm(String rate) {
    ConfigIssue issue =
        onlyError(doc("{\"capacity\": \"$1\", \"rate\": \"" + rate + "\"}"), "quotas.q.rate");
    assertTrue(issue.message().contains("\"$10.00/day\""), issue.message());
    assertTrue(issue.message().contains("min, hour, day, week or month"), issue.message());
  }

  @Test
  void capacityAndRateAreRequiredAndMustBeStrings() {
    onlyError(doc("{\"rate\": \"$1/day\"}"), "quotas.q.capacity");
    onlyError(doc("{\"capacity\": \"$1\"}"), "quotas.q.rate");
    ConfigIssue issue =
        onlyError(doc("{\"capacity\": 10, \"rate\": \"$1/day\"}"), "quotas.q.capacity");
    assertTrue(issue.message().contains("must be a string"), issue.message());
    onlyError(doc("[]"), "quotas.q");
  }

  @Test
  void onExceedMustBeReject() {
    onlyError(
        doc("{\"capacity\": \"$1\", \"rate\": \"$1/day\", \"on_exceed\": \"warn\"}"),
        "quotas.q.on_exceed");
  }
}
