package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WireJson#writeNumberField}: Jackson's text for a double, from a cache of recent ones. */
class WireJsonNumberTest {
  private interface Write {
    void to(JsonGenerator g) throws IOException;
  }

  private static String json(JsonFactory f, Write w) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = f.createGenerator(out)) {
      g.writeStartObject();
      w.to(g);
      g.writeEndObject();
    }
    return out.toString();
  }

  private static void agrees(JsonFactory f, double d) throws IOException {
    assertEquals(
        json(f, g -> g.writeNumberField("t", d)),
        json(f, g -> WireJson.writeNumberField(g, "t", d)),
        () -> "for " + d);
  }

  @Test
  void writesWhatJacksonWritesForEveryKindOfDouble() throws IOException {
    JsonFactory f = new JsonFactory();
    double[] edges = {
      0.0, -0.0, 0.3, 0.7, 1.0, 2.0, 0.1 + 0.2, 1e-7, 1e21, Double.MIN_VALUE, Double.MAX_VALUE, -1.5
    };
    for (int round = 0; round < 2; round++) { // the second round reads the cache
      for (double d : edges) {
        agrees(f, d);
      }
    }
    // many values share each of the cache's slots: each is still written as itself
    SplittableRandom random = new SplittableRandom(7);
    double[] values = new double[500];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble() * (i % 2 == 0 ? 2 : 1e6);
    }
    for (int round = 0; round < 3; round++) {
      for (double d : values) {
        agrees(f, d);
      }
    }
  }

  @Test
  void leavesNumbersAsStringsAndNonFiniteValuesToJackson() throws IOException {
    JsonFactory quoting =
        JsonFactory.builder().enable(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS).build();
    agrees(quoting, 0.3);
    assertEquals("{\"t\":\"0.3\"}", json(quoting, g -> WireJson.writeNumberField(g, "t", 0.3)));
    JsonFactory f = new JsonFactory();
    agrees(f, Double.NaN);
    agrees(f, Double.POSITIVE_INFINITY);
  }
}
