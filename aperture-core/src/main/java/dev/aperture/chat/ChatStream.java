package dev.aperture.chat;

import dev.aperture.StreamException;
import dev.aperture.provider.EventSource;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed answer: iterate its events as they arrive, then close it. Events are decoded in the
 * calling thread, straight from the response (no helper thread, no buffering); each delta is handed
 * over as soon as its frame is read.
 *
 * <p>Single use and not thread-safe. Closing before the end cancels the upstream call and frees the
 * connection; closing twice is harmless. Iteration throws {@link StreamException} when the stream
 * breaks; it never ends normally without a {@link ChatEvent.Finish}.
 */
public final class ChatStream implements Iterable<ChatEvent>, AutoCloseable {
  private final EventSource source;
  private boolean iterated;
  private boolean closed;

  private ChatStream(EventSource source) {
    this.source = source;
  }

  /** A stream reading from {@code source}; for providers and tests. */
  public static ChatStream of(EventSource source) {
    return new ChatStream(source);
  }

  /** The events, once. A second call throws {@link IllegalStateException}. */
  @Override
  public Iterator<ChatEvent> iterator() {
    if (iterated) {
      throw new IllegalStateException("a ChatStream can be iterated only once");
    }
    iterated = true;
    return new Iterator<>() {
      private ChatEvent next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        if (done) {
          return false;
        }
        if (closed) {
          throw new StreamException(StreamException.Kind.CLOSED, "the stream was closed");
        }
        try {
          next = source.next();
        } catch (RuntimeException e) {
          done = true;
          close();
          throw e;
        }
        if (next == null) {
          done = true;
          close();
        }
        return next != null;
      }

      @Override
      public ChatEvent next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ChatEvent e = next;
        next = null;
        return e;
      }
    };
  }

  /** The events as a sequential {@link Stream}; closing the returned stream closes this one. */
  public Stream<ChatEvent> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  /**
   * Reads the whole stream and returns the answer it adds up to, then closes the stream. Throws
   * {@link StreamException} if the stream breaks.
   */
  public ChatResponse collect() {
    try (this) {
      ChatAccumulator acc = new ChatAccumulator();
      for (ChatEvent e : this) {
        acc.accept(e);
      }
      return acc.response();
    }
  }

  /** Cancels the upstream call if it is still running. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      source.close();
    }
  }
}
