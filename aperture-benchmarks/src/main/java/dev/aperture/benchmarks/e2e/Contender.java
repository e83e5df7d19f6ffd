package dev.aperture.benchmarks.e2e;

/**
 * One way of making the benchmark's Converse call against the stub: the raw HTTP floor, the
 * Aperture router, the AWS SDK. Thread-safe: the runner calls it from many threads at once. Each
 * call throws if the answer is not the expected one, so that a broken contender cannot look fast.
 */
interface Contender extends AutoCloseable {
  /** The key used in the output, e.g. {@code aperture}. */
  String key();

  /** One unary call (Converse); returns a value derived from the answer, for the runner to sink. */
  long unary() throws Exception;

  /**
   * One streamed call (ConverseStream), read to the end; stores the {@link System#nanoTime()} at
   * which the first event was available in {@code firstEvent}. Returns a value derived from the
   * answer.
   */
  long stream(FirstEvent firstEvent) throws Exception;

  /** Releases the contender's clients; never throws. */
  @Override
  void close();

  /** Where a streamed call records when its first event arrived. Reused across calls. */
  final class FirstEvent {
    volatile long nanos;
  }
}
