package dev.aperture.usage;

import dev.aperture.ApiFormat;
import dev.aperture.chat.Usage;
import dev.aperture.cost.Cost;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * What one call used and cost: the gateway's "session" entry. Made by the router after every call,
 * successful or not, and handed to each {@link UsageListener}.
 */
@Value.Immutable
public abstract class UsageRecord {
  /** A unique id for this record. */
  public abstract String id();

  /** When the call started. */
  public abstract Instant timestamp();

  /** The caller's identity string (login, or sorted tags), empty when anonymous. */
  public abstract String identity();

  public abstract String provider();

  /** The model as the caller named it. */
  public abstract String model();

  /** The model id sent upstream. */
  public abstract String upstreamModel();

  /** The format the request arrived in; empty for canonical {@code chat()} calls. */
  public abstract Optional<ApiFormat> apiIn();

  /** The API spoken upstream. */
  public abstract ApiFormat apiOut();

  /** Whether the answer was streamed. */
  @Value.Default
  public boolean streamed() {
    return false;
  }

  public abstract Usage usage();

  public abstract Optional<Cost> cost();

  /** Why there is no cost, when there is none. */
  public abstract Optional<String> costUnavailableReason();

  public abstract long durationMillis();

  /**
   * HTTP status of the call as the caller saw it: 200, an upstream error status, or 499 when the
   * caller closed a stream early.
   */
  public abstract int status();

  /** The error's message for failed calls (free of secrets). */
  public abstract Optional<String> error();

  public abstract String sessionId();

  /** Names of the tools the model called, in order. */
  public abstract List<String> toolCalls();

  public static ImmutableUsageRecord.Builder builder() {
    return ImmutableUsageRecord.builder();
  }
}
