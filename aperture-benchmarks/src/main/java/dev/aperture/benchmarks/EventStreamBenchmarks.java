package dev.aperture.benchmarks;

import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Event-stream decoding throughput over a whole ConverseStream answer, on one thread. One operation
 * is one stream; the {@code bytes} secondary result counts the stream's bytes, so JMH reports it in
 * bytes per second (divide by 10^6 for MB/s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class EventStreamBenchmarks {
  @Param({"TYPICAL", "LARGE"})
  public Fixtures.Size size;

  private byte[] stream;
  private final List<ChatEvent> events = new ArrayList<>();

  /** Bytes decoded, reported by JMH as a rate next to the operations. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup
  public void setUp() {
    stream = Fixtures.of(size).converseStream();
  }

  /** Frames only: prelude, both CRCs, headers, payload copy. */
  @Benchmark
  public void decode(Bytes counter, Blackhole bh) {
    try (EventStreamDecoder decoder = EventStreamDecoder.create(stream)) {
      for (EventStreamMessage m; (m = decoder.next()) != null; ) {
        bh.consume(m);
      }
    }
    counter.bytes += stream.length;
  }

  /**
   * Frames and the ConverseStream translator: the whole per-event work of a streamed call, with the
   * decoder's view messages as the provider reads them.
   */
  @Benchmark
  public void decodeAndTranslate(Bytes counter, Blackhole bh) {
    StreamTranslator translator = StreamTranslator.converse(Fixtures.MODEL, "bedrock-bench");
    try (EventStreamDecoder decoder = EventStreamDecoder.create(stream)) {
      for (EventStreamMessage m; (m = decoder.nextView()) != null; ) {
        events.clear();
        translator.accept(m, events);
        for (int i = 0; i < events.size(); i++) {
          bh.consume(events.get(i));
        }
      }
    }
    counter.bytes += stream.length;
  }
}
