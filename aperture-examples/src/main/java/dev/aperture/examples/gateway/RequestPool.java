package dev.aperture.examples.gateway;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's request threads: at most {@code maxThreads} requests are served at once and at most
 * {@code maxWaiting} wait for a thread. A request beyond those, or one that has waited longer than
 * {@code maxWait}, is answered {@code 503} with {@code Retry-After} by one of eight overflow
 * threads, without a handler reading its body: the waiting line, and the memory it holds, stay
 * bounded however many callers arrive, and nobody waits until the JDK server drops the connection
 * unanswered (after {@code sun.net.httpserver.maxReqTime}). Closing such an exchange, the JDK
 * server reads and discards up to 64 KB of the body (more, and it closes the connection instead); a
 * caller that sends its request slowly holds an overflow thread until it is done or the server's
 * time limit. Should the overflow threads fall behind too (64 answers pending), the connection is
 * closed unanswered.
 */
final class RequestPool implements Executor {
  /** Overload answers pending before connections are closed instead. */
  private static final int OVERFLOW_BACKLOG = 64;

  /** Threads answering 503s: a few slow senders must not hold up the answers to everyone else. */
  private static final int OVERFLOW_THREADS = 8;

  private static final ThreadLocal<String> OVERLOADED = new ThreadLocal<>();

  private final ThreadPoolExecutor requests;
  private final ThreadPoolExecutor overflow;
  private final ScheduledExecutorService sweeper; // null when nothing may wait
  private final long maxWaitNanos;
  private final String waitedTooLong;

  /**
   * A pool of {@code maxThreads} threads with {@code maxWaiting} waiting places; a waiting request
   * is refused after {@code maxWait}, looked for every {@code sweepEvery}.
   */
  RequestPool(int maxThreads, int maxWaiting, Duration maxWait, Duration sweepEvery) {
    if (maxThreads < 1
        || maxWaiting < 0
        || maxWait.isNegative()
        || sweepEvery.isNegative()
        || sweepEvery.isZero()) {
      throw new IllegalArgumentException(
          "request pool needs at least 1 thread, 0 or more waiting places, a wait of 0 or more"
              + " and a sweep period over 0, not "
              + maxThreads
              + ", "
              + maxWaiting
              + ", "
              + maxWait
              + ", "
              + sweepEvery);
    }
    this.maxWaitNanos = maxWait.toNanos();
    this.waitedTooLong =
        "the gateway is overloaded: this request waited "
            + maxWait.toSeconds()
            + " s for one of "
            + maxThreads
            + " request threads; retry shortly";
    String message =
        "the gateway is overloaded: "
            + maxThreads
            + " requests are being served and "
            + maxWaiting
            + " are waiting; retry shortly";
    AtomicInteger count = new AtomicInteger();
    this.overflow =
        new ThreadPoolExecutor(
            OVERFLOW_THREADS,
            OVERFLOW_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(OVERFLOW_BACKLOG),
            r -> daemon(r, "aperture-gateway-overloaded-" + count.incrementAndGet()));
    overflow.allowCoreThreadTimeOut(true);
    BlockingQueue<Runnable> waiting =
        maxWaiting == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxWaiting);
    this.requests =
        new ThreadPoolExecutor(
            maxThreads,
            maxThreads,
            30,
            TimeUnit.SECONDS,
            waiting,
            r -> new Thread(r, "aperture-gateway-" + count.incrementAndGet()),
            (exchange, pool) -> {
              if (pool.isShutdown()) {
                throw new RejectedExecutionException("the gateway is closing");
              }
              // throws when the overflow threads are behind too: the server then drops the
              // connection
              refuse(((Waiting) exchange).exchange, message);
            });
    requests.allowCoreThreadTimeOut(true); // idle threads go away
    if (maxWaiting == 0) {
      this.sweeper = null;
    } else {
      this.sweeper =
          Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "aperture-gateway-sweeper"));
      long every = sweepEvery.toNanos();
      sweeper.scheduleWithFixedDelay(this::refuseStale, every, every, TimeUnit.NANOSECONDS);
    }
  }

  /** A request in the waiting line, with the time it joined it. */
  private static final class Waiting implements Runnable {
    final Runnable exchange;
    final long since = System.nanoTime();

    Waiting(Runnable exchange) {
      this.exchange = exchange;
    }

    @Override
    public void run() {
      exchange.run();
    }
  }

  /** Takes the requests that have waited too long out of the line and refuses them. */
  private void refuseStale() {
    long now = System.nanoTime();
    for (Runnable r : requests.getQueue().toArray(new Runnable[0])) {
      if (r instanceof Waiting
          && now - ((Waiting) r).since >= maxWaitNanos
          && requests.remove(r)) { // false when a thread took it meanwhile
        try {
          refuse(((Waiting) r).exchange, waitedTooLong);
        } catch (RejectedExecutionException e) {
          // the overflow threads are behind: the server drops the connection at its time limit
        }
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Has an overflow thread answer {@code exchange} 503 with {@code why}.
   *
   * @throws RejectedExecutionException if the overflow threads are behind
   */
  private void refuse(Runnable exchange, String why) {
    overflow.execute(() -> answerOverloaded(exchange, why));
  }

  /** Runs the server's exchange task so that its endpoint answers 503 with {@code message}. */
  private static void answerOverloaded(Runnable exchange, String message) {
    OVERLOADED.set(message);
    try {
      exchange.run();
    } finally {
      OVERLOADED.remove();
    }
  }

  /**
   * Within an exchange the pool had no room for: why it is refused. Null in a request being served.
   */
  static String overloaded() {
    return OVERLOADED.get();
  }

  @Override
  public void execute(Runnable exchange) {
    requests.execute(new Waiting(exchange));
  }

  /** Stops the pools; requests in progress are interrupted. */
  void shutdownNow() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    requests.shutdownNow();
    overflow.shutdownNow();
  }
}
