package dev.aperture.benchmarks;

import dev.aperture.chat.Usage;
import dev.aperture.cost.CostResult;
import dev.aperture.cost.DefaultCostCalculator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pricing one call's usage with the bundled table: a geo-prefixed Claude id (premium applies), with
 * and without cache tokens. Nanoseconds per calculation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CostBenchmarks {
  private DefaultCostCalculator calculator;
  private Usage plain;
  private Usage cached;

  @Setup
  public void setUp() {
    calculator = DefaultCostCalculator.create();
    plain = Usage.of(812, 236);
    cached =
        Usage.builder()
            .inputTokens(41234)
            .cacheReadTokens(30000)
            .cacheWrite5mTokens(1024)
            .outputTokens(2210)
            .build();
  }

  @Benchmark
  public CostResult costPlainUsage() {
    return calculator.cost(Fixtures.COST_BASIS, Fixtures.MODEL, plain);
  }

  @Benchmark
  public CostResult costWithCacheTokens() {
    return calculator.cost(Fixtures.COST_BASIS, Fixtures.MODEL, cached);
  }
}
