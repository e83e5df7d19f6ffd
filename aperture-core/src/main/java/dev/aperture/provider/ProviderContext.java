package dev.aperture.provider;

import java.time.Clock;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * What the router hands every provider it makes: the shared HTTP client (one connection pool for
 * all providers; providers derive per-provider variants with {@code newBuilder()}), the retry
 * policy and the clock.
 */
public record ProviderContext(OkHttpClient httpClient, RetryPolicy retryPolicy, Clock clock) {
  public ProviderContext {
    Objects.requireNonNull(httpClient, "httpClient");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(clock, "clock");
  }
}
