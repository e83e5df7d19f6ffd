package dev.aperture.benchmarks.e2e;

import dev.aperture.benchmarks.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

/**
 * The AWS SDK for Java v2 with a Bedrock API key: {@link BedrockRuntimeClient#converse} on the
 * SDK's default sync HTTP client (Apache 5), {@link BedrockRuntimeAsyncClient#converseStream} on
 * its default async one (Netty), set to HTTP/1.1 like everything else in this benchmark. The key
 * goes in through {@code tokenProvider(StaticTokenProvider)}, and the auth scheme preference is set
 * to bearer, which is what the SDK itself does when it finds {@code AWS_BEARER_TOKEN_BEDROCK}
 * (without it, SigV4 comes first and would need AWS credentials). The requests are built once and
 * reused: the SDK's best case, as no per-call translation is counted.
 */
final class AwsSdk implements Contender {
  /** The preference names a scheme by the part of its id after '#' (smithy.api#httpBearerAuth). */
  private static final String BEARER = "httpBearerAuth";

  private final BedrockRuntimeClient sync;
  private final BedrockRuntimeAsyncClient async;
  private final ConverseRequest request;
  private final ConverseStreamRequest streamRequest;

  AwsSdk(String baseUrl, SdkRequests requests) {
    URI endpoint = URI.create(baseUrl);
    StaticTokenProvider token = StaticTokenProvider.create(() -> Fixtures.API_KEY);
    BedrockRuntimeAuthSchemeProvider bearerFirst =
        BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of(BEARER));
    this.sync =
        BedrockRuntimeClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint)
            .tokenProvider(token)
            .authSchemeProvider(bearerFirst)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .build();
    this.async =
        BedrockRuntimeAsyncClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint)
            .tokenProvider(token)
            .authSchemeProvider(bearerFirst)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            // The SDK's default for this service is HTTP/2 (h2c on a plain-text endpoint); the
            // stub, like the OkHttp contenders, speaks HTTP/1.1.
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).maxConcurrency(64))
            .build();
    this.request = requests.converse();
    this.streamRequest = requests.converseStream();
  }

  @Override
  public String key() {
    return "aws_sdk";
  }

  @Override
  public long unary() throws IOException {
    ConverseResponse response = sync.converse(request);
    if (response.output() == null || response.usage() == null) {
      throw new IOException("the SDK's answer has no output or usage");
    }
    return response.usage().outputTokens() + response.output().message().content().size();
  }

  @Override
  public long stream(FirstEvent firstEvent) throws IOException {
    AtomicLong events = new AtomicLong();
    ConverseStreamResponseHandler handler =
        ConverseStreamResponseHandler.builder()
            .subscriber(
                (ConverseStreamOutput event) -> {
                  if (events.getAndIncrement() == 0) {
                    firstEvent.nanos = System.nanoTime();
                  }
                })
            .build();
    async.converseStream(streamRequest, handler).join();
    if (events.get() == 0) {
      throw new IOException("the SDK's stream had no events");
    }
    return events.get();
  }

  @Override
  public void close() {
    sync.close();
    async.close();
  }
}
