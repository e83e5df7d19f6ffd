package dev.aperture.provider;

import dev.aperture.chat.Usage;
import java.util.List;

/**
 * Where a provider reports what a forwarded call used, once, when its answer has been read (or
 * abandoned). Supplied by the router, which prices the usage and makes the usage record.
 */
public interface UsageSink {
  /**
   * The call ended. {@code usage} is what was observed (zero when unknown); {@code error} is null
   * for a complete answer.
   */
  void completed(int status, Usage usage, List<String> toolCalls, String error);
}
