package dev.aperture.benchmarks.e2e;

import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.openai.OpenAiChatCodec;
import dev.aperture.route.ModelRouter;
import java.io.IOException;

/**
 * The library as a gateway uses it: an OpenAI chat-completions body decoded to the canonical
 * request, then {@link ModelRouter#chat} (routing, Converse encoding, bearer auth, the HTTP call,
 * decoding, cost, the usage record) or {@link ModelRouter#stream} read to its {@code Finish} event.
 *
 * <p>The {@linkplain #canonical canonical} variant starts from a {@link ChatRequest} decoded once
 * up front, as a library user who builds requests in code would: the counterpart of the AWS SDK
 * contender, which also reuses a request built once.
 */
final class ApertureRouter implements Contender {
  private final ModelRouter router;
  private final OpenAiChatCodec codec;
  private final byte[] openAiRequest;
  private final byte[] openAiStreamRequest;
  private final ChatRequest request; // null: decode the OpenAI body on every call

  private ApertureRouter(
      ModelRouter router,
      OpenAiChatCodec codec,
      byte[] openAiRequest,
      byte[] openAiStreamRequest,
      ChatRequest request) {
    this.router = router;
    this.codec = codec;
    this.openAiRequest = openAiRequest;
    this.openAiStreamRequest = openAiStreamRequest;
    this.request = request;
  }

  /** Decodes the OpenAI body on every call. */
  static ApertureRouter fromOpenAi(
      ModelRouter router, OpenAiChatCodec codec, byte[] openAiRequest, byte[] openAiStreamRequest) {
    return new ApertureRouter(router, codec, openAiRequest, openAiStreamRequest, null);
  }

  /** Reuses one canonical request (the same one the OpenAI body decodes to). */
  static ApertureRouter canonical(ModelRouter router, OpenAiChatCodec codec, byte[] openAiRequest) {
    return new ApertureRouter(
        router, codec, null, null, codec.decodeRequest(openAiRequest).chatRequest());
  }

  @Override
  public String key() {
    return request == null ? "aperture" : "aperture_canonical";
  }

  private ChatRequest request(byte[] openAi) {
    return request != null ? request : codec.decodeRequest(openAi).chatRequest();
  }

  @Override
  public long unary() throws IOException {
    ChatResponse response = router.chat(request(openAiRequest));
    if (response.cost().isEmpty()) {
      throw new IOException("no cost: " + response.costUnavailableReason().orElse("?"));
    }
    return response.usage().outputTokens() + response.content().size();
  }

  @Override
  public long stream(FirstEvent firstEvent) throws IOException {
    long events = 0;
    boolean finished = false;
    try (ChatStream stream = router.stream(request(openAiStreamRequest))) {
      for (ChatEvent e : stream) {
        if (events++ == 0) {
          firstEvent.nanos = System.nanoTime();
        }
        if (e instanceof ChatEvent.Finish f) {
          finished = f.cost() != null;
        }
      }
    }
    if (!finished) {
      throw new IOException("the stream ended without a priced Finish event");
    }
    return events;
  }

  @Override
  public void close() {
    // the router is shared by both variants and closed by the testbed
  }
}
