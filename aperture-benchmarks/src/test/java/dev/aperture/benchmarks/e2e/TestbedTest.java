package dev.aperture.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.benchmarks.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TestbedTest {
  @Test
  void everyContenderSendsTheSameConverseBodyWithTheBearerKey() throws Exception {
    AtomicLong records = new AtomicLong();
    try (Testbed bed =
        Testbed.start(Fixtures.of(Fixtures.Size.TYPICAL), r -> records.incrementAndGet())) {
      Map<String, List<String>> check = bed.checkPayloads();
      assertEquals(8, check.size(), check.toString());
      check.forEach((call, problems) -> assertTrue(problems.isEmpty(), call + ": " + problems));
      assertEquals(8, bed.stub.bearerRequests());
      assertEquals(4, records.get(), "one usage record per aperture call");
    }
  }

  @Test
  void streamedCallsReportTheirFirstEventBeforeTheyReturn() throws Exception {
    try (Testbed bed = Testbed.start(Fixtures.of(Fixtures.Size.TYPICAL), r -> {})) {
      for (Contender c : bed.contenders()) {
        Contender.FirstEvent first = new Contender.FirstEvent();
        long before = System.nanoTime();
        c.stream(first);
        long after = System.nanoTime();
        assertTrue(first.nanos >= before && first.nanos <= after, c.key());
      }
    }
  }
}
