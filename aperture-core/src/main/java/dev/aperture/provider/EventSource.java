package dev.aperture.provider;

import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.Usage;

/**
 * Where a {@link dev.aperture.chat.ChatStream} pulls its events from; implemented by providers.
 * Decoding happens inside {@link #next()}, in the caller's thread.
 */
public interface EventSource extends AutoCloseable {
  /**
   * The next event, blocking until it is decoded, or null after the last one. Throws {@link
   * dev.aperture.StreamException} when the stream breaks.
   */
  ChatEvent next();

  /**
   * The usage the provider reported before the stream ended; for a stream closed early or cut off,
   * so the tokens already billed are still recorded and charged. Zero when unknown.
   */
  default Usage usageSoFar() {
    return Usage.ZERO;
  }

  /** Cancels the upstream call and releases the connection. Idempotent; never throws. */
  @Override
  void close();
}
