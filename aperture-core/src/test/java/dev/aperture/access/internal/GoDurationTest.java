package dev.aperture.access.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
    "0, 0",
    "500ms, 500000000",
    "5s, 5000000000",
    "1m30s, 90000000000",
    "1.5h, 5400000000000",
    "2h45m, 9900000000000",
    "250us, 250000",
    "250µs, 250000",
    "7ns, 7",
    ".5s, 500000000"
  })
  void goDurationsParse(String text, long nanos) {
    assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "s", "-5s", "5 s", "5d", "1..5s", ".s", "99999999999999h"})
  void anythingElseIsRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
  }
}
