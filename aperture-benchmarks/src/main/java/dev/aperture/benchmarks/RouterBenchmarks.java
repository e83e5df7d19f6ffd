package dev.aperture.benchmarks;

import dev.aperture.bedrock.BedrockProviderFactory;
import dev.aperture.route.ModelRouter;
import dev.aperture.route.Route;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Model lookup in a router of 20 Bedrock providers with 10 models each (most ids served by two
 * providers): by bare model id, and with an explicit {@code provider/model}. Nanoseconds per
 * lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmarks {
  private ModelRouter router;
  private String model;
  private String explicit;

  @Setup
  public void setUp() {
    router =
        ModelRouter.builder(Fixtures.manyProviders(20, 10))
            .addProviderFactory(BedrockProviderFactory.create())
            .build();
    model = Fixtures.routedModel(11, 7);
    explicit = "bedrock-12/" + model;
  }

  @TearDown
  public void tearDown() {
    router.close();
  }

  @Benchmark
  public Route routeByModel() {
    return router.route(model);
  }

  @Benchmark
  public Route routeByProviderAndModel() {
    return router.route(explicit);
  }
}
