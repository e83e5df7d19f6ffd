package dev.aperture.usage;

/**
 * Receives a {@link UsageRecord} after every call. Contract (as OkHttp's {@code EventListener}): be
 * fast, never block on I/O in the calling thread, never call back into the router. An exception
 * thrown here is logged and does not fail the call.
 */
@FunctionalInterface
public interface UsageListener {
  /** A listener that ignores every record. */
  UsageListener NONE = record -> {};

  void onUsage(UsageRecord record);
}
