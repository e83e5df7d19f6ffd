package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.aperture.ApertureException;
import dev.aperture.access.Identity;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.openai.OpenAiChatCodec;
import dev.aperture.openai.OpenAiChatRequest;
import dev.aperture.route.ModelRouter;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: an OpenAI chat-completions request, translated for whichever
 * provider serves its model ({@link ModelRouter#chat}, {@link ModelRouter#stream}). With {@code
 * "stream": true} the answer is server-sent events written as the provider's events arrive, one
 * flush per event, ending with {@code data: [DONE]}; a stream that breaks ends with an error event
 * and no {@code [DONE]}. Failures before the answer begins are OpenAI error envelopes.
 */
final class ChatCompletionsEndpoint extends Endpoint {
  /** Headers some clients use to name their conversation (Codex sends {@code session_id}). */
  private static final String[] SESSION_HEADERS = {"x-session-id", "session_id"};

  private final OpenAiChatCodec codec = OpenAiChatCodec.create();

  ChatCompletionsEndpoint(ModelRouter router, CallerIdentity callers, GatewayConsole console) {
    super("/v1/chat/completions", "POST", ErrorDialect.OPENAI, router, callers, console);
  }

  @Override
  void serve(HttpExchange exchange, Identity caller) throws IOException {
    OpenAiChatRequest decoded = codec.decodeRequest(body(exchange));
    ChatRequest request = ImmutableChatRequest.copyOf(decoded.chatRequest()).withIdentity(caller);
    if (request.sessionId().isEmpty()) {
      for (String h : SESSION_HEADERS) {
        String v = exchange.getRequestHeaders().getFirst(h);
        if (v != null && !v.isBlank()) {
          request = ImmutableChatRequest.copyOf(request).withSessionId(v);
          break;
        }
      }
    }
    if (!decoded.stream()) {
      ChatResponse response = router.chat(request);
      send(exchange, 200, "application/json", codec.encodeResponse(response));
      return;
    }
    // Routing, access, quota and upstream HTTP errors are thrown here, before any event: they
    // still get a plain error answer with their own status.
    try (ChatStream stream = router.stream(request)) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0);
      codec
          .newChunkWriter(exchange.getResponseBody(), decoded.includeUsage())
          .writeAll(masking(stream, secrets()));
    }
  }

  /**
   * {@code events}, with any failure's message cleared of {@code secrets} before the chunk writer
   * puts it in the stream's error event: a provider's mid-stream error text is not trusted to be
   * free of credentials.
   */
  private static Iterable<ChatEvent> masking(Iterable<ChatEvent> events, List<String> secrets) {
    return () -> {
      Iterator<ChatEvent> it = events.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          try {
            return it.hasNext();
          } catch (ApertureException e) {
            throw GatewayError.masked(e, secrets);
          }
        }

        @Override
        public ChatEvent next() {
          try {
            return it.next();
          } catch (ApertureException e) {
            throw GatewayError.masked(e, secrets);
          }
        }
      };
    };
  }
}
