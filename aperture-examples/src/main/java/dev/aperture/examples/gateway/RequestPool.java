package dev.aperture.examples.gateway;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's request threads: at most {@code maxThreads} requests are served at once and at most
 * {@code maxWaiting} wait for a thread. A request beyond those is answered {@code 503} at once,
 * with {@code Retry-After}, by one of two small overflow threads, without its body being read: the
 * waiting line, and the memory it holds, stay bounded however many callers arrive. Should the
 * overflow threads fall behind too (64 answers pending), the connection is closed unanswered.
 */
final class RequestPool implements Executor {
  /** Overload answers pending before connections are closed instead. */
  private static final int OVERFLOW_BACKLOG = 64;

  private static final ThreadLocal<String> OVERLOADED = new ThreadLocal<>();

  private final ThreadPoolExecutor requests;
  private final ThreadPoolExecutor overflow;

  RequestPool(int maxThreads, int maxWaiting) {
    if (maxThreads < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException(
          "request pool needs at least 1 thread and 0 or more waiting places, not "
              + maxThreads
              + " and "
              + maxWaiting);
    }
    String message =
        "the gateway is overloaded: "
            + maxThreads
            + " requests are being served and "
            + maxWaiting
            + " are waiting; retry shortly";
    AtomicInteger count = new AtomicInteger();
    this.overflow =
        new ThreadPoolExecutor(
            2,
            2,
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
              overflow.execute(() -> answerOverloaded(exchange, message));
            });
    requests.allowCoreThreadTimeOut(true); // idle threads go away
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
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
    requests.execute(exchange);
  }

  /** Stops both pools; requests in progress are interrupted. */
  void shutdownNow() {
    requests.shutdownNow();
    overflow.shutdownNow();
  }
}
