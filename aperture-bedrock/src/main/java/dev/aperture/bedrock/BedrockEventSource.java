package dev.aperture.bedrock;

import dev.aperture.StreamException;
import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.Usage;
import dev.aperture.internal.Secrets;
import dev.aperture.provider.EventSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.Call;
import okhttp3.Response;

/**
 * Canonical events read from a Bedrock event-stream response, decoded frame by frame in the
 * caller's thread as {@link #next()} is called: nothing is buffered beyond the frame being read. A
 * stream that ends before its stop reason and usage arrived is a {@link StreamException} ({@code
 * TRUNCATED}), never a normal end.
 */
final class BedrockEventSource implements EventSource {
  private final Call call;
  private final Response response;
  private final EventStreamDecoder decoder;
  private final StreamTranslator translator;
  private final String providerId;
  private final String apiKey;
  private final ArrayDeque<ChatEvent> pending = new ArrayDeque<>();
  private final List<ChatEvent> scratch = new ArrayList<>(4);
  private boolean ended;
  private volatile boolean closed;
  private final ReentrantLock reading = new ReentrantLock();
  private boolean responseClosed; // guarded by reading

  BedrockEventSource(
      Call call, Response response, StreamTranslator translator, String providerId, String apiKey) {
    this.apiKey = apiKey;
    this.call = call;
    this.response = response;
    this.decoder = EventStreamDecoder.create(response.body().source());
    this.translator = translator;
    this.providerId = providerId;
  }

  @Override
  public ChatEvent next() {
    reading.lock();
    try {
      return nextLocked();
    } finally {
      try {
        closeResponseIfClosed();
      } finally {
        reading.unlock();
      }
    }
  }

  private ChatEvent nextLocked() {
    if (closed && pending.isEmpty() && !ended) {
      ended = true;
      throw new StreamException(StreamException.Kind.CLOSED, "the stream was closed");
    }
    while (pending.isEmpty()) {
      if (ended) {
        return null;
      }
      if (translator.isComplete()) {
        ended = true;
        close(); // anything after the final event is of no use; free the connection now
        return null;
      }
      EventStreamMessage message;
      try {
        message = decoder.nextView(); // translated before the next frame is read
      } catch (StreamException e) {
        ended = true;
        close();
        throw e;
      }
      if (message == null) {
        ended = true;
        close();
        throw new StreamException(
            StreamException.Kind.TRUNCATED,
            "the Bedrock stream from provider '"
                + providerId
                + "' ended before its stop reason and usage arrived");
      }
      scratch.clear();
      try {
        translator.accept(message, scratch);
      } catch (StreamException e) {
        ended = true;
        close();
        throw redacted(e);
      } catch (RuntimeException e) {
        ended = true;
        close();
        throw e;
      }
      for (int i = 0; i < scratch.size(); i++) {
        pending.addLast(scratch.get(i)); // addAll would go through a lambda per call
      }
    }
    return pending.poll();
  }

  /**
   * The exception with the provider's key removed from its message, should the upstream echo it.
   */
  private StreamException redacted(StreamException e) {
    String message = String.valueOf(e.getMessage());
    String clean = Secrets.redact(message, apiKey);
    if (clean.equals(message)) {
      return e;
    }
    return new StreamException(e.kind(), e.errorType().orElse(null), clean, e.retryable(), null);
  }

  @Override
  public Usage usageSoFar() {
    return translator.usageSoFar();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      call.cancel(); // thread-safe: a read in another thread returns with an error
      if (reading.tryLock()) {
        try {
          closeResponseIfClosed();
        } finally {
          reading.unlock();
        }
      }
    }
  }

  /**
   * Closes the response once this source is closed; call with {@link #reading} held. Closing it
   * frees Okio buffers a read may be using, so a close from another thread leaves it to the reader.
   */
  private void closeResponseIfClosed() {
    if (closed && !responseClosed) {
      responseClosed = true;
      response.close();
    }
  }
}
