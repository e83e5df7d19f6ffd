package dev.aperture.benchmarks.e2e;

import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.openai.OpenAiChatCodec;
import dev.aperture.route.ModelRouter;
import java.io.IOException;

/**
 * The library as a gateway uses it: an OpenAI chat-completions body decoded to the canonical
 * request, then {@link ModelRouter#chat} (routing, Converse encoding, bearer auth, the HTTP call,
 * decoding, cost, the usage record) or {@link ModelRouter#stream} read to its {@code Finish} event.
 */
final class ApertureRouter implements Contender {
  private final ModelRouter router;
  private final OpenAiChatCodec codec;
  private final byte[] openAiRequest;
  private final byte[] openAiStreamRequest;

  ApertureRouter(
      ModelRouter router, OpenAiChatCodec codec, byte[] openAiRequest, byte[] openAiStreamRequest) {
    this.router = router;
    this.codec = codec;
    this.openAiRequest = openAiRequest;
    this.openAiStreamRequest = openAiStreamRequest;
  }

  @Override
  public String key() {
    return "aperture";
  }

  @Override
  public long unary() throws IOException {
    ChatResponse response = router.chat(codec.decodeRequest(openAiRequest).chatRequest());
    if (response.cost().isEmpty()) {
      throw new IOException("no cost: " + response.costUnavailableReason().orElse("?"));
    }
    return response.usage().outputTokens() + response.content().size();
  }

  @Override
  public long stream(FirstEvent firstEvent) throws IOException {
    long events = 0;
    boolean finished = false;
    try (ChatStream stream =
        router.stream(codec.decodeRequest(openAiStreamRequest).chatRequest())) {
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
    router.close();
  }
}
