package dev.aperture.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.benchmarks.Fixtures;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TestbedTest {
  @Test
  void everyContenderSendsTheSameConverseBodyWithTheBearerKey() throws Exception {
    AtomicLong records = new AtomicLong();
    try (Testbed bed =
        Testbed.start(Fixtures.of(Fixtures.Size.TYPICAL), r -> records.incrementAndGet())) {
      Map<String, List<String>> check = bed.checkPayloads();
      assertEquals(10, check.size(), check.toString());
      check.forEach((call, problems) -> assertTrue(problems.isEmpty(), call + ": " + problems));
      assertEquals(10, bed.stub.bearerRequests());
      assertEquals(6, records.get(), "one usage record per aperture call");
    }
  }

  /**
   * The new-conversation contender sends another conversation on each call, unary and streamed
   * alike: the same system prompt and tools, other messages, until its conversations come round.
   */
  @Test
  void theNewConversationContenderSendsAnotherConversationEachCall() throws Exception {
    try (Testbed bed = Testbed.start(Fixtures.of(Fixtures.Size.TYPICAL), r -> {})) {
      ObjectMapper json = new ObjectMapper();
      Set<JsonNode> messages = new HashSet<>();
      Set<JsonNode> rest = new HashSet<>();
      bed.stub.capture(true);
      for (int i = 0; i < 6; i++) {
        if (i % 2 == 0) {
          bed.apertureNewConversation.unary();
        } else {
          bed.apertureNewConversation.stream(new Contender.FirstEvent());
        }
        ObjectNode body = (ObjectNode) json.readTree(bed.stub.lastRequest().body());
        messages.add(body.remove("messages"));
        rest.add(body);
      }
      assertEquals(3, messages.size(), "three conversations, each sent unary and streamed");
      assertEquals(1, rest.size(), "the same system prompt, tools and settings: " + rest);
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
