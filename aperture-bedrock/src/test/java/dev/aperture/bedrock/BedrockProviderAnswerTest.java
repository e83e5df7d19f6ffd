package dev.aperture.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.route.Route;
import java.io.IOException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a unary answer's body is read before it is decoded. */
class BedrockProviderAnswerTest {
  private static final String ANSWER =
      "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"hi\"}]}},"
          + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":3,\"outputTokens\":1}}";

  private final MockWebServer server = new MockWebServer();
  private OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    ForwardFixtures.shutDown(server, client);
  }

  /** A provider whose client reports the answer's length as {@code lengthShift} bytes off. */
  private BedrockProvider provider(long lengthShift) {
    client =
        new OkHttpClient.Builder()
            .addNetworkInterceptor(
                chain -> {
                  Response r = chain.proceed(chain.request());
                  ResponseBody body = r.body();
                  long declared = body.contentLength() + lengthShift;
                  return r.newBuilder()
                      .body(
                          new ResponseBody() {
                            @Override
                            public MediaType contentType() {
                              return body.contentType();
                            }

                            @Override
                            public long contentLength() {
                              return declared;
                            }

                            @Override
                            public BufferedSource source() {
                              return body.source();
                            }
                          })
                      .build();
                })
            .build();
    ProviderConfig config = ForwardFixtures.config(server.url("/").toString()).build();
    return new BedrockProvider(
        config,
        client,
        RetryPolicy.builder().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build(),
        BedrockApiStrategy.DEFAULT,
        new ConverseCodec(),
        new AnthropicInvokeCodec());
  }

  private static Route route(BedrockProvider provider) {
    return new Route(
        provider.config(), ForwardFixtures.NOVA, ForwardFixtures.NOVA, ApiFormat.BEDROCK_CONVERSE);
  }

  private static ChatRequest hello() {
    return ChatRequest.builder()
        .model(ForwardFixtures.NOVA)
        .addMessages(Message.user("hi"))
        .build();
  }

  @Test
  void anAnswerOfItsDeclaredLengthIsDecoded() {
    server.enqueue(new MockResponse.Builder().body(ANSWER).build());
    BedrockProvider provider = provider(0);
    assertEquals("hi", provider.chat(route(provider), hello()).text());
  }

  /**
   * As {@code ResponseBody.bytes()} refused it: an answer whose length is not the declared one is a
   * failed read (HTTP/1.1 enforces the length itself; HTTP/2 does not), not a body to decode.
   */
  @Test
  void anAnswerShorterOrLongerThanItsContentLengthIsAFailedReadNotAnAnswer() {
    for (long shift : new long[] {5, -5}) {
      server.enqueue(new MockResponse.Builder().body(ANSWER).build());
      BedrockProvider provider = provider(shift);
      BedrockException e =
          assertThrows(BedrockException.class, () -> provider.chat(route(provider), hello()));
      assertTrue(e.getMessage().contains("Content-Length ("), e.getMessage());
      assertTrue(e.getMessage().contains("disagree"), e.getMessage());
      assertFalse(e.getMessage().contains(ForwardFixtures.KEY), e.getMessage());
    }
  }
}
