package dev.aperture.benchmarks.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.benchmarks.Fixtures;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end benchmark: the raw OkHttp floor, the Aperture router and the AWS SDK against one
 * in-JVM {@link StubServer}, unary and streamed, at concurrency 1 and 16, interleaved in short
 * slices so that drift (JIT, GC, thermal) falls on all of them alike. Prints a table, then (with
 * {@code --json}) one JSON object as the last line.
 *
 * <p>Measured per call: mean, p50 and p99 latency; for streams also time to first event. At
 * concurrency 1, allocation per call: on the calling thread ({@code
 * ThreadMXBean#getCurrentThreadAllocatedBytes}) and on every JVM thread but the stub's ({@code
 * getThreadAllocatedBytes}), which is where the async SDK's Netty threads show up.
 */
public final class EndToEndBenchmark {
  private static final int[] CONCURRENCY = {1, 16};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream OUT = System.out;
  private static final String USAGE =
      "usage: java -jar aperture-benchmarks.jar e2e [--json] [--quick] [--stub-spin-us N]";

  /**
   * At concurrency 1 the stub's connection thread polls this long for the next request before it
   * blocks (see {@link StubServer#spinMicros}); at 16 it always blocks. A stub that sleeps between
   * requests answers a client after a wake-up of tens of microseconds on a virtual machine, and how
   * long depends on how long the client took to send its next request: the stub, not the client,
   * then sets the pace, and it penalises clients that do more work between calls by more than that
   * work. Polling for 150 µs covers every contender's time between calls at concurrency 1. {@code
   * --stub-spin-us 0} measures with a stub that always blocks.
   */
  static final long DEFAULT_STUB_SPIN_US = 150;

  private final Settings settings;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Durations, in seconds. Warmup and measurement are per scenario and concurrency. */
  private record Settings(
      String mode,
      double sliceSeconds,
      int warmupRoundsC1,
      int warmupRounds,
      int rounds,
      long stubSpinMicros) {
    double measureSeconds() {
      return sliceSeconds * rounds;
    }
  }

  private EndToEndBenchmark(Settings settings) {
    this.settings = settings;
  }

  /** Runs with {@code [--json] [--quick]}; returns the process exit code. */
  public static int run(String[] args) throws Exception {
    boolean json = false;
    boolean quick = false;
    long spin = DEFAULT_STUB_SPIN_US;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--json":
          json = true;
          break;
        case "--quick":
          quick = true;
          break;
        case "--stub-spin-us":
          if (i + 1 == args.length || !args[i + 1].matches("\\d{1,7}")) {
            System.err.println("--stub-spin-us needs a whole number of microseconds; " + USAGE);
            return 2;
          }
          spin = Long.parseLong(args[++i]);
          break;
        case "-h":
        case "--help":
          OUT.println(USAGE);
          return 0;
        default:
          System.err.println("unknown option " + a + "; " + USAGE);
          return 2;
      }
    }
    Settings settings =
        quick
            ? new Settings("quick", 0.5, 4, 1, 5, spin) // about a minute; the SDK is barely warm
            : new Settings("full", 1.0, 4, 1, 10, spin); // about three and a half minutes
    return new EndToEndBenchmark(settings).execute(json);
  }

  // ---- scenarios and their figures ----

  private static final class Scenario {
    final Contender contender;
    final boolean streaming;
    final Map<Integer, Stats> stats = new HashMap<>();
    long allCalls; // warmup included: to check the usage records

    Scenario(Contender contender, boolean streaming) {
      this.contender = contender;
      this.streaming = streaming;
    }

    String name() {
      return (streaming ? "stream " : "unary  ") + contender.key();
    }

    long call(Contender.FirstEvent first) throws Exception {
      return streaming ? contender.stream(first) : contender.unary();
    }

    Stats stats(int concurrency) {
      return stats.computeIfAbsent(concurrency, c -> new Stats());
    }
  }

  /** Per-call figures of one scenario at one concurrency, merged over its slices. */
  private static final class Stats {
    long calls;
    long sumNanos;
    long sumFirstNanos;
    long[] samples = new long[1024];
    int sampleCount;
    double seconds;
    long callerAllocBytes;
    long callerAllocCalls;
    long allAllocBytes;
    long allAllocCalls;
    long processCpuNanos;
    long clientCpuNanos;
    long cpuCalls;

    synchronized void merge(Local l) {
      calls += l.calls;
      sumNanos += l.sumNanos;
      sumFirstNanos += l.sumFirstNanos;
      if (sampleCount + l.count > samples.length) {
        samples = Arrays.copyOf(samples, Math.max(samples.length * 2, sampleCount + l.count));
      }
      System.arraycopy(l.samples, 0, samples, sampleCount, l.count);
      sampleCount += l.count;
      if (l.allocBytes >= 0) {
        callerAllocBytes += l.allocBytes;
        callerAllocCalls += l.calls;
      }
    }

    double meanMicros() {
      return calls == 0 ? Double.NaN : sumNanos / 1e3 / calls;
    }

    double meanFirstMicros() {
      return calls == 0 ? Double.NaN : sumFirstNanos / 1e3 / calls;
    }

    double percentileMicros(double p) {
      if (sampleCount == 0) {
        return Double.NaN;
      }
      long[] sorted = Arrays.copyOf(samples, sampleCount);
      Arrays.sort(sorted);
      int i = (int) Math.min(sampleCount - 1, Math.ceil(p * sampleCount) - 1);
      return sorted[Math.max(0, i)] / 1e3;
    }

    double callsPerSecond() {
      return seconds == 0 ? Double.NaN : calls / seconds;
    }

    double callerAllocPerCall() {
      return callerAllocCalls == 0 ? Double.NaN : (double) callerAllocBytes / callerAllocCalls;
    }

    double allAllocPerCall() {
      return allAllocCalls == 0 ? Double.NaN : (double) allAllocBytes / allAllocCalls;
    }

    /** CPU time of the whole process (clients, stub, GC, JIT) per call, in µs. */
    double processCpuMicrosPerCall() {
      return cpuCalls == 0 ? Double.NaN : processCpuNanos / 1e3 / cpuCalls;
    }

    /** CPU time of every Java thread but the stub's per call, in µs. */
    double clientCpuMicrosPerCall() {
      return cpuCalls == 0 ? Double.NaN : clientCpuNanos / 1e3 / cpuCalls;
    }
  }

  /** One worker's figures for one slice. */
  private static final class Local {
    long calls;
    long sumNanos;
    long sumFirstNanos;
    long[] samples = new long[4096];
    int count;
    long allocBytes = -1;
    long sink;

    void add(long nanos, long firstNanos) {
      calls++;
      sumNanos += nanos;
      sumFirstNanos += firstNanos;
      if (count == samples.length) {
        samples = Arrays.copyOf(samples, count * 2);
      }
      samples[count++] = nanos;
    }
  }

  // ---- the run ----

  private int execute(boolean json) throws Exception {
    long started = System.nanoTime();
    double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    threads.setThreadAllocatedMemoryEnabled(true);
    Fixtures f = Fixtures.of(Fixtures.Size.TYPICAL);
    AtomicLong usageRecords = new AtomicLong();
    List<Scenario> scenarios = new ArrayList<>();
    ObjectNode out = JSON.createObjectNode();
    try (Testbed bed = Testbed.start(f, r -> usageRecords.incrementAndGet())) {
      OUT.printf(
          Locale.ROOT,
          "aperture e2e benchmark (%s): payload OpenAI request %d B -> Converse request %d B;"
              + " answer %d B; stream %d B in %d frames; model %s; stub polls %d µs before"
              + " blocking at concurrency 1; system load average %.2f%n",
          settings.mode,
          f.openAiRequest().length,
          bed.converseBody.length,
          f.converseResponse().length,
          f.converseStream().length,
          f.converseStreamFrames(),
          Fixtures.MODEL,
          settings.stubSpinMicros,
          loadAtStart);
      Map<String, List<String>> check = bed.checkPayloads();
      boolean samePayload = check.values().stream().allMatch(List::isEmpty);
      StringBuilder line = new StringBuilder("payload check:");
      check.forEach(
          (call, problems) ->
              line.append(' ')
                  .append(call)
                  .append('=')
                  .append(problems.isEmpty() ? "same" : problems));
      OUT.println(line);
      for (boolean streaming : new boolean[] {false, true}) {
        for (Contender c : bed.contenders()) {
          scenarios.add(new Scenario(c, streaming));
        }
      }
      for (int concurrency : CONCURRENCY) {
        bed.stub.spinMicros(concurrency == 1 ? settings.stubSpinMicros : 0);
        measure(scenarios, concurrency, bed.stub.threadIds());
      }
      bed.stub.spinMicros(0);
      double decodeMbps = eventStreamDecodeMbps(f.converseStream());
      long apertureCalls =
          scenarios.stream()
              .filter(
                  s ->
                      s.contender == bed.aperture
                          || s.contender == bed.apertureCanonical
                          || s.contender == bed.apertureNewConversation)
              .mapToLong(s -> s.allCalls)
              .sum();
      // the payload check made one unary and one streamed call per contender
      boolean recordsMatch = usageRecords.get() == apertureCalls + 6;
      report(scenarios, out, decodeMbps, samePayload, recordsMatch, usageRecords.get());
      out.put("payload_openai_request_bytes", f.openAiRequest().length);
      out.put("payload_converse_request_bytes", bed.converseBody.length);
      out.put("payload_converse_response_bytes", f.converseResponse().length);
      out.put("payload_converse_stream_bytes", f.converseStream().length);
      out.put("payload_converse_stream_frames", f.converseStreamFrames());
      out.put("stub_requests", bed.stub.requests());
      out.put("stub_bearer_requests", bed.stub.bearerRequests());
    }
    out.put("mode", settings.mode);
    out.put("warmup_s_per_scenario_c1", settings.warmupRoundsC1 * settings.sliceSeconds);
    out.put("measure_s_per_scenario", settings.measureSeconds());
    out.put("slice_s", settings.sliceSeconds);
    out.put("stub_spin_us_c1", settings.stubSpinMicros);
    out.put("run_s", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
    // Other processes on the machine share its cores with all three contenders alike, but they
    // widen the spread: the load average says how quiet the machine was.
    put(out, "system_load_average_start", loadAtStart);
    put(
        out,
        "system_load_average_end",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    out.set("jvm", jvmFacts());
    if (json) {
      OUT.println(JSON.writeValueAsString(out));
    }
    OUT.flush();
    return 0;
  }

  private void measure(List<Scenario> scenarios, int concurrency, Set<Long> excluded)
      throws Exception {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "bench-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      int warmups = concurrency == 1 ? settings.warmupRoundsC1 : settings.warmupRounds;
      OUT.printf(
          Locale.ROOT,
          "concurrency %d: warming up (%.1f s per scenario), then %d interleaved rounds of %.1f"
              + " s%n",
          concurrency,
          warmups * settings.sliceSeconds,
          settings.rounds,
          settings.sliceSeconds);
      for (int round = 0; round < warmups; round++) {
        for (int i = 0; i < scenarios.size(); i++) {
          slice(pool, scenarios.get((i + round) % scenarios.size()), concurrency, null, excluded);
        }
      }
      System.gc();
      for (int round = 0; round < settings.rounds; round++) {
        for (int i = 0; i < scenarios.size(); i++) {
          Scenario s = scenarios.get((i + round) % scenarios.size());
          slice(pool, s, concurrency, s.stats(concurrency), excluded);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs {@code s} on {@code concurrency} workers for one slice; records into {@code stats}. */
  private void slice(
      ExecutorService pool, Scenario s, int concurrency, Stats stats, Set<Long> excluded)
      throws Exception {
    boolean allocation = stats != null && concurrency == 1;
    CountDownLatch go = new CountDownLatch(1);
    long sliceNanos = (long) (settings.sliceSeconds * 1e9);
    List<Future<Local>> futures = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      futures.add(
          pool.submit(
              () -> {
                Local l = new Local();
                Contender.FirstEvent first = new Contender.FirstEvent();
                go.await();
                long deadline = System.nanoTime() + sliceNanos;
                long alloc0 = allocation ? threads.getCurrentThreadAllocatedBytes() : 0;
                long sink = 0;
                while (true) {
                  long t0 = System.nanoTime();
                  if (t0 >= deadline) {
                    break;
                  }
                  first.nanos = 0;
                  sink += s.call(first);
                  long t1 = System.nanoTime();
                  l.add(t1 - t0, s.streaming ? first.nanos - t0 : 0);
                }
                if (allocation) {
                  l.allocBytes = threads.getCurrentThreadAllocatedBytes() - alloc0;
                }
                l.sink = sink;
                return l;
              }));
    }
    Map<Long, Long> before = allocation ? allocatedByThread(excluded) : null;
    Map<Long, Long> cpuBefore = stats != null ? cpuByThread(excluded) : null;
    long processCpu0 = stats != null ? os.getProcessCpuTime() : 0;
    long t0 = System.nanoTime();
    go.countDown();
    long calls = 0;
    for (Future<Local> future : futures) {
      Local l = future.get();
      calls += l.calls;
      if (stats != null) {
        stats.merge(l);
      }
    }
    long elapsed = System.nanoTime() - t0;
    s.allCalls += calls;
    if (stats != null) {
      stats.processCpuNanos += os.getProcessCpuTime() - processCpu0;
      Map<Long, Long> cpuAfter = cpuByThread(excluded);
      for (Map.Entry<Long, Long> e : cpuAfter.entrySet()) {
        stats.clientCpuNanos += e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
      }
      stats.cpuCalls += calls;
      stats.seconds += elapsed / 1e9;
      if (allocation) {
        Map<Long, Long> after = allocatedByThread(excluded);
        long bytes = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
          bytes += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        stats.allAllocBytes += bytes;
        stats.allAllocCalls += calls;
      }
    }
  }

  /** CPU nanoseconds used so far by every live thread except {@code excluded}. */
  private Map<Long, Long> cpuByThread(Set<Long> excluded) {
    long[] ids = threads.getAllThreadIds();
    long[] nanos = threads.getThreadCpuTime(ids);
    Map<Long, Long> m = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (nanos[i] >= 0 && !excluded.contains(ids[i])) {
        m.put(ids[i], nanos[i]);
      }
    }
    return m;
  }

  /** Bytes allocated so far by every live thread except {@code excluded}. */
  private Map<Long, Long> allocatedByThread(Set<Long> excluded) {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> m = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0 && !excluded.contains(ids[i])) {
        m.put(ids[i], bytes[i]);
      }
    }
    return m;
  }

  /**
   * Frames-only decoding of the ConverseStream answer on this thread, timed in a loop after a
   * warmup: a cross-check of the JMH {@code EventStreamBenchmarks.decode} figure, in MB/s (10^6).
   */
  private double eventStreamDecodeMbps(byte[] stream) {
    // C2 needs three to four seconds of this loop to settle (as seen in the JMH warmup iterations)
    long warmupNanos = 3_000_000_000L;
    long measureNanos = (long) (settings.sliceSeconds * 4e9);
    long sink = 0;
    for (long end = System.nanoTime() + warmupNanos; System.nanoTime() < end; ) {
      sink += decodeOnce(stream);
    }
    long bytes = 0;
    long t0 = System.nanoTime();
    long t1;
    do {
      sink += decodeOnce(stream);
      bytes += stream.length;
      t1 = System.nanoTime();
    } while (t1 - t0 < measureNanos);
    if (sink == 0) {
      // every frame of the fixture has a payload: the loop's result is used, so it is not elided
      throw new IllegalStateException("decoded no payload bytes");
    }
    return bytes / ((t1 - t0) / 1e9) / 1e6;
  }

  private static long decodeOnce(byte[] stream) {
    long n = 0;
    try (EventStreamDecoder decoder = EventStreamDecoder.create(stream)) {
      for (EventStreamMessage m; (m = decoder.next()) != null; ) {
        n += m.payloadSize();
      }
    }
    return n;
  }

  // ---- output ----

  private void report(
      List<Scenario> scenarios,
      ObjectNode out,
      double decodeMbps,
      boolean samePayload,
      boolean recordsMatch,
      long records) {
    OUT.println();
    OUT.printf(
        "%-33s %4s %10s %10s %10s %10s %11s %10s %12s %12s%n",
        "scenario",
        "conc",
        "us/call",
        "p50 us",
        "p99 us",
        "ttfe us",
        "calls/s",
        "cpu us",
        "B/call thr",
        "B/call all");
    for (int concurrency : CONCURRENCY) {
      for (Scenario s : scenarios) {
        Stats st = s.stats(concurrency);
        OUT.printf(
            Locale.ROOT,
            "%-33s %4d %10.1f %10.1f %10.1f %10s %11.0f %10.1f %12s %12s%n",
            s.name(),
            concurrency,
            st.meanMicros(),
            st.percentileMicros(0.50),
            st.percentileMicros(0.99),
            s.streaming ? String.format(Locale.ROOT, "%.1f", st.meanFirstMicros()) : "-",
            st.callsPerSecond(),
            st.processCpuMicrosPerCall(),
            concurrency == 1 ? String.format(Locale.ROOT, "%.0f", st.callerAllocPerCall()) : "-",
            concurrency == 1 ? String.format(Locale.ROOT, "%.0f", st.allAllocPerCall()) : "-");
        String prefix = (s.streaming ? "stream_" : "") + s.contender.key();
        String suffix = concurrency == 1 ? "" : "_c" + concurrency;
        if (s.streaming) {
          put(out, prefix + "_ttfe_us" + suffix, st.meanFirstMicros());
          put(out, prefix + "_total_us" + suffix, st.meanMicros());
        } else {
          put(out, prefix + "_us_per_call" + suffix, st.meanMicros());
        }
        put(out, prefix + "_p50_us" + suffix, st.percentileMicros(0.50));
        put(out, prefix + "_p99_us" + suffix, st.percentileMicros(0.99));
        put(out, prefix + "_calls_per_s" + suffix, st.callsPerSecond());
        put(out, prefix + "_cpu_us_per_call" + suffix, st.processCpuMicrosPerCall());
        put(out, prefix + "_client_cpu_us_per_call" + suffix, st.clientCpuMicrosPerCall());
        if (concurrency == 1) {
          put(out, prefix + "_alloc_bytes_per_call", st.callerAllocPerCall());
          put(out, prefix + "_alloc_all_threads_bytes_per_call", st.allAllocPerCall());
        }
      }
    }
    OUT.println(
        "(cpu us: CPU time of the whole process per call, stub, GC and JIT included; B/call thr:"
            + " allocated on the calling thread; B/call all: on every JVM thread but the stub's; both"
            + " at concurrency 1)");

    double rawC1 = unary(scenarios, "raw_okhttp", 1);
    double apC1 = unary(scenarios, "aperture", 1);
    double sdkC1 = unary(scenarios, "aws_sdk", 1);
    double rawC16 = unary(scenarios, "raw_okhttp", 16);
    double apC16 = unary(scenarios, "aperture", 16);
    double sdkC16 = unary(scenarios, "aws_sdk", 16);
    double rawAlloc = find(scenarios, "raw_okhttp", false).stats(1).callerAllocPerCall();
    double apAlloc = find(scenarios, "aperture", false).stats(1).callerAllocPerCall();
    double allocOverhead = apAlloc - rawAlloc;

    put(out, "ratio_aperture_to_raw", apC1 / rawC1);
    put(out, "ratio_aperture_to_raw_c16", apC16 / rawC16);
    put(out, "ratio_aws_sdk_to_aperture", sdkC1 / apC1);
    put(out, "ratio_aws_sdk_to_aperture_c16", sdkC16 / apC16);
    put(
        out,
        "ratio_aws_sdk_to_aperture_canonical",
        sdkC1 / unary(scenarios, "aperture_canonical", 1));
    put(
        out,
        "ratio_aws_sdk_to_aperture_canonical_c16",
        sdkC16 / unary(scenarios, "aperture_canonical", 16));
    put(out, "ratio_aperture_canonical_to_raw", unary(scenarios, "aperture_canonical", 1) / rawC1);
    put(
        out,
        "ratio_aperture_new_conversation_to_raw",
        unary(scenarios, "aperture_new_conversation", 1) / rawC1);
    put(
        out,
        "ratio_aperture_new_conversation_to_raw_c16",
        unary(scenarios, "aperture_new_conversation", 16) / rawC16);
    put(
        out,
        "ratio_aws_sdk_to_aperture_new_conversation_c16",
        sdkC16 / unary(scenarios, "aperture_new_conversation", 16));
    put(
        out,
        "ratio_aperture_canonical_to_raw_c16",
        unary(scenarios, "aperture_canonical", 16) / rawC16);
    for (int concurrency : CONCURRENCY) {
      String suffix = concurrency == 1 ? "" : "_c" + concurrency;
      Stats raw = find(scenarios, "raw_okhttp", true).stats(concurrency);
      Stats ap = find(scenarios, "aperture", true).stats(concurrency);
      Stats sdk = find(scenarios, "aws_sdk", true).stats(concurrency);
      put(out, "ratio_stream_aperture_to_raw" + suffix, ap.meanMicros() / raw.meanMicros());
      put(out, "ratio_stream_aws_sdk_to_aperture" + suffix, sdk.meanMicros() / ap.meanMicros());
      put(
          out,
          "ratio_stream_ttfe_aperture_to_raw" + suffix,
          ap.meanFirstMicros() / raw.meanFirstMicros());
    }
    put(out, "aperture_alloc_overhead_bytes_per_call", allocOverhead);
    // The same without decoding the OpenAI body (whose strings alone outweigh 2 KB): what the
    // library adds to a call a user builds in code.
    put(
        out,
        "aperture_canonical_alloc_overhead_bytes_per_call",
        find(scenarios, "aperture_canonical", false).stats(1).callerAllocPerCall() - rawAlloc);
    // And for a conversation seen for the first time (only its tools are remembered).
    put(
        out,
        "aperture_new_conversation_alloc_overhead_bytes_per_call",
        find(scenarios, "aperture_new_conversation", false).stats(1).callerAllocPerCall()
            - rawAlloc);
    put(out, "event_stream_decode_mb_per_s", decodeMbps);
    out.put("payload_identical_across_contenders", samePayload);
    out.put("usage_records", records);
    out.put("usage_record_per_aperture_call", recordsMatch);

    ObjectNode targets = out.putObject("targets");
    List<String[]> lines = new ArrayList<>();
    target(
        targets,
        lines,
        "aperture_to_raw_le_1_05_c1",
        apC1 / rawC1 <= 1.05,
        String.format(
            Locale.ROOT, "aperture / raw at concurrency 1 = %.3f (<= 1.05)", apC1 / rawC1));
    target(
        targets,
        lines,
        "aperture_to_raw_le_1_05_c16",
        apC16 / rawC16 <= 1.05,
        String.format(
            Locale.ROOT, "aperture / raw at concurrency 16 = %.3f (<= 1.05)", apC16 / rawC16));
    target(
        targets,
        lines,
        "aws_sdk_ge_2x_aperture_c1",
        sdkC1 / apC1 >= 2,
        String.format(
            Locale.ROOT, "AWS SDK / aperture at concurrency 1 = %.2f (>= 2)", sdkC1 / apC1));
    target(
        targets,
        lines,
        "aws_sdk_ge_2x_aperture_c16",
        sdkC16 / apC16 >= 2,
        String.format(
            Locale.ROOT, "AWS SDK / aperture at concurrency 16 = %.2f (>= 2)", sdkC16 / apC16));
    target(
        targets,
        lines,
        "event_stream_decode_ge_500_mb_s",
        decodeMbps >= 500,
        String.format(
            Locale.ROOT, "event-stream decode = %.0f MB/s on one thread (>= 500)", decodeMbps));
    target(
        targets,
        lines,
        "aperture_alloc_overhead_le_2048_b",
        allocOverhead <= 2048,
        String.format(
            Locale.ROOT,
            "aperture allocates %.0f B per unary call beyond the raw floor's %.0f B"
                + " (which holds the %d B answer) (<= 2048)",
            allocOverhead,
            rawAlloc,
            Fixtures.of(Fixtures.Size.TYPICAL).converseResponse().length));
    OUT.println();
    OUT.println("targets:");
    for (String[] l : lines) {
      OUT.println("  [" + l[0] + "] " + l[1]);
    }
    if (settings.mode.equals("quick")) {
      OUT.println(
          "  (quick mode warms the AWS SDK too little: its figures come out 2-3x worse than in a"
              + " full run, so its ratios are not comparable; run without --quick for those)");
    }
    OUT.println(
        "checks: same Converse payload from every contender: "
            + samePayload
            + "; one usage record per aperture call: "
            + recordsMatch);
  }

  private static void target(
      ObjectNode targets, List<String[]> lines, String key, boolean met, String text) {
    targets.put(key, met);
    lines.add(new String[] {met ? "met" : "MISSED", text});
  }

  private static double unary(List<Scenario> scenarios, String key, int concurrency) {
    return find(scenarios, key, false).stats(concurrency).meanMicros();
  }

  private static Scenario find(List<Scenario> scenarios, String key, boolean streaming) {
    for (Scenario s : scenarios) {
      if (s.contender.key().equals(key) && s.streaming == streaming) {
        return s;
      }
    }
    throw new IllegalStateException("no scenario " + key);
  }

  private static void put(ObjectNode out, String key, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      out.putNull(key);
    } else {
      out.put(key, Math.round(value * 1000) / 1000.0);
    }
  }

  private static ObjectNode jvmFacts() {
    ObjectNode jvm = JSON.createObjectNode();
    jvm.put("java_version", System.getProperty("java.version"));
    jvm.put("vm_name", System.getProperty("java.vm.name"));
    jvm.put("vm_version", System.getProperty("java.vm.version"));
    jvm.put("available_processors", Runtime.getRuntime().availableProcessors());
    jvm.put("os_name", System.getProperty("os.name"));
    jvm.put("os_arch", System.getProperty("os.arch"));
    jvm.put("cpu_model", cpuModel());
    jvm.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    List<String> gcs = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs.add(gc.getName());
    }
    jvm.put("gc", String.join(", ", gcs));
    jvm.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    jvm.put("aws_sdk_http_clients", sdkHttpClients());
    return jvm;
  }

  /** The SDK HTTP client implementations found on the class path (the defaults it picks from). */
  private static String sdkHttpClients() {
    List<String> names = new ArrayList<>();
    for (Object s : ServiceLoader.load(software.amazon.awssdk.http.SdkHttpService.class)) {
      names.add(s.getClass().getName());
    }
    for (Object s :
        ServiceLoader.load(software.amazon.awssdk.http.async.SdkAsyncHttpService.class)) {
      names.add(s.getClass().getName());
    }
    return String.join(", ", names);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    return "unknown";
  }
}
