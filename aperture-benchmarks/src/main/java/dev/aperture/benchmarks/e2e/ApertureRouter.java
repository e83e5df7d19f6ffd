package dev.aperture.benchmarks.e2e;

import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.openai.OpenAiChatCodec;
import dev.aperture.route.ModelRouter;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library as a gateway uses it: an OpenAI chat-completions body decoded to the canonical
 * request, then {@link ModelRouter#chat} (routing, Converse encoding, bearer auth, the HTTP call,
 * decoding, cost, the usage record) or {@link ModelRouter#stream} read to its {@code Finish} event.
 *
 * <p>The {@linkplain #canonical canonical} variant starts from a {@link ChatRequest} decoded once
 * up front, as a library user who builds requests in code would: the counterpart of the AWS SDK
 * contender, which also reuses a request built once. The {@linkplain #newConversations
 * new-conversation} variant sends a different conversation each call, so that nothing the decoder
 * and encoders remember from earlier turns applies but the tools.
 */
final class ApertureRouter implements Contender {
  private final String key;
  private final ModelRouter router;
  private final OpenAiChatCodec codec;
  // the OpenAI bodies sent in turn (one, or a new conversation per call), unary and streamed
  private final byte[][] openAiRequests;
  private final byte[][] openAiStreamRequests;
  private final ChatRequest request; // null: decode the OpenAI body on every call
  // the next body of each list, counted apart so that the first call of each sends body 0
  private final AtomicInteger nextUnary = new AtomicInteger();
  private final AtomicInteger nextStream = new AtomicInteger();

  private ApertureRouter(
      String key,
      ModelRouter router,
      OpenAiChatCodec codec,
      byte[][] openAiRequests,
      byte[][] openAiStreamRequests,
      ChatRequest request) {
    this.key = key;
    this.router = router;
    this.codec = codec;
    this.openAiRequests = openAiRequests;
    this.openAiStreamRequests = openAiStreamRequests;
    this.request = request;
  }

  /** Decodes the OpenAI body on every call. */
  static ApertureRouter fromOpenAi(
      ModelRouter router, OpenAiChatCodec codec, byte[] openAiRequest, byte[] openAiStreamRequest) {
    return new ApertureRouter(
        "aperture",
        router,
        codec,
        new byte[][] {openAiRequest},
        new byte[][] {openAiStreamRequest},
        null);
  }

  /**
   * Decodes an OpenAI body on every call, each call the next of {@code openAiRequests} (the same
   * number of streamed ones): conversations the library has not seen lately, as when many users
   * each start their own.
   */
  static ApertureRouter newConversations(
      ModelRouter router,
      OpenAiChatCodec codec,
      byte[][] openAiRequests,
      byte[][] openAiStreamRequests) {
    if (openAiRequests.length == 0 || openAiRequests.length != openAiStreamRequests.length) {
      throw new IllegalArgumentException("at least one body, and as many streamed as unary ones");
    }
    return new ApertureRouter(
        "aperture_new_conversation", router, codec, openAiRequests, openAiStreamRequests, null);
  }

  /** Reuses one canonical request (the same one the OpenAI body decodes to). */
  static ApertureRouter canonical(ModelRouter router, OpenAiChatCodec codec, byte[] openAiRequest) {
    return new ApertureRouter(
        "aperture_canonical",
        router,
        codec,
        null,
        null,
        codec.decodeRequest(openAiRequest).chatRequest());
  }

  @Override
  public String key() {
    return key;
  }

  private ChatRequest request(byte[][] openAi, AtomicInteger next) {
    if (request != null) {
      return request;
    }
    byte[] body =
        openAi.length == 1
            ? openAi[0]
            : openAi[(next.getAndIncrement() & Integer.MAX_VALUE) % openAi.length];
    return codec.decodeRequest(body).chatRequest();
  }

  @Override
  public long unary() throws IOException {
    ChatResponse response = router.chat(request(openAiRequests, nextUnary));
    if (response.cost().isEmpty()) {
      throw new IOException("no cost: " + response.costUnavailableReason().orElse("?"));
    }
    return response.usage().outputTokens() + response.content().size();
  }

  @Override
  public long stream(FirstEvent firstEvent) throws IOException {
    long events = 0;
    boolean finished = false;
    try (ChatStream stream = router.stream(request(openAiStreamRequests, nextStream))) {
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
