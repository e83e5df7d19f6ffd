package dev.aperture.benchmarks.e2e;

import dev.aperture.benchmarks.Fixtures;
import dev.aperture.usage.UsageListener;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The end-to-end calls of {@link EndToEndBenchmark} under JMH, on one thread, against the same
 * stub, so that its profilers can be used on them: {@code -prof gc} for bytes per call, {@code
 * -prof stack} or a JFR recording for where the time goes. The e2e runner remains the reference for
 * the comparison (it interleaves the contenders and also runs them at concurrency 16).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallBenchmarks {
  /**
   * How long the stub polls before it blocks; the e2e runner's concurrency-1 default. Run with
   * {@code -t 16 -p stubSpinUs=0} for the concurrency-16 setting (16 polling stub threads would
   * take the clients' cores).
   */
  @Param({"" + EndToEndBenchmark.DEFAULT_STUB_SPIN_US})
  public int stubSpinUs;

  private Testbed bed;
  private final Contender.FirstEvent first = new Contender.FirstEvent();

  @Setup
  public void setUp() throws Exception {
    bed = Testbed.start(Fixtures.of(Fixtures.Size.TYPICAL), UsageListener.NONE);
    // see StubServer#spinMicros
    bed.stub.spinMicros(stubSpinUs);
  }

  @TearDown
  public void tearDown() throws Exception {
    bed.close();
  }

  @Benchmark
  public long rawOkHttpUnary() throws Exception {
    return bed.raw.unary();
  }

  /**
   * What {@link #rawOkHttpUnaryBusy} burns before each call, in JMH's {@code Blackhole.consumeCPU}
   * tokens (1,500: about 2.4 µs on the README's machine); a state of its own, so that the other
   * benchmarks do not carry the parameter.
   */
  @State(Scope.Benchmark)
  public static class Busy {
    @Param({"1500"})
    public int busyTokens;
  }

  /**
   * The floor plus work of the caller's own that touches no memory ({@code Blackhole.consumeCPU})
   * before each call: at concurrency 16 ({@code -t 16 -p stubSpinUs=0}), where the two cores are
   * saturated, it shows what each µs a client spends between its calls costs the machine in all,
   * with no codec, cache or allocation involved (see "Where the time and the bytes go" in the
   * benchmarks README).
   */
  @Benchmark
  public long rawOkHttpUnaryBusy(Busy busy) throws Exception {
    Blackhole.consumeCPU(busy.busyTokens);
    return bed.raw.unary();
  }

  @Benchmark
  public long apertureUnary() throws Exception {
    return bed.aperture.unary();
  }

  @Benchmark
  public long apertureCanonicalUnary() throws Exception {
    return bed.apertureCanonical.unary();
  }

  @Benchmark
  public long apertureNewConversationUnary() throws Exception {
    return bed.apertureNewConversation.unary();
  }

  @Benchmark
  public long awsSdkUnary() throws Exception {
    return bed.sdk.unary();
  }

  @Benchmark
  public long rawOkHttpStream() throws Exception {
    return bed.raw.stream(first);
  }

  @Benchmark
  public long apertureStream() throws Exception {
    return bed.aperture.stream(first);
  }

  @Benchmark
  public long awsSdkStream() throws Exception {
    return bed.sdk.stream(first);
  }
}
