package dev.aperture.benchmarks;

import dev.aperture.benchmarks.e2e.EndToEndBenchmark;
import java.util.Arrays;

/**
 * The benchmark jar's entry point: {@code e2e [--json] [--quick]} runs the end-to-end benchmark;
 * anything else is handed to JMH ({@code org.openjdk.jmh.Main}), e.g. {@code EventStream -prof gc}.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // keep the output to the figures: the router and the SDK log at info and debug
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (args.length > 0 && args[0].equals("e2e")) {
      System.exit(EndToEndBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    org.openjdk.jmh.Main.main(args);
  }
}
