package dev.aperture.route;

import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.EventSource;
import dev.aperture.provider.Provider;
import dev.aperture.provider.ProviderFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory provider for router tests: answers "<provider>:<model>" and records requests. */
class FakeProvider implements Provider {
  static final List<ChatRequest> seen = new CopyOnWriteArrayList<>();
  static final List<String> threads = new CopyOnWriteArrayList<>();

  /** {@link #unifiedApi} calls by provider id. */
  static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> unifiedApiCalls =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Serves any config whose compatibility includes openai_chat. */
  static final ProviderFactory FACTORY =
      (config, context) -> config.supports(ApiFormat.OPENAI_CHAT) ? new FakeProvider(config) : null;

  private final ProviderConfig config;

  FakeProvider(ProviderConfig config) {
    this.config = config;
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public ApiFormat unifiedApi(String upstreamModel) {
    unifiedApiCalls
        .computeIfAbsent(config.id(), id -> new java.util.concurrent.atomic.AtomicInteger())
        .incrementAndGet();
    return ApiFormat.OPENAI_CHAT;
  }

  @Override
  public ChatResponse chat(Route route, ChatRequest request) {
    seen.add(request);
    threads.add(Thread.currentThread().getName());
    if (request.model().contains("fail")) {
      throw new IllegalStateException("upstream failed with key " + config.apiKey());
    }
    return ChatResponse.builder()
        .id("r1")
        .model(request.model())
        .provider("ignored")
        .addContent(new ContentPart.Text(config.id() + ":" + request.model()))
        .addContent(new ContentPart.ToolCall("t1", "lookup", "{}"))
        .stopReason(StopReason.TOOL_USE)
        .usage(Usage.of(1_000_000, 1_000_000))
        .build();
  }

  @Override
  public EventSource stream(Route route, ChatRequest request) {
    seen.add(request);
    Deque<ChatEvent> events = new ArrayDeque<>();
    events.add(new ChatEvent.Start("s1", request.model(), "ignored"));
    events.add(new ChatEvent.TextDelta(0, config.id()));
    events.add(new ChatEvent.TextDelta(0, ":" + request.model()));
    if (!request.model().contains("truncate")) {
      events.add(new ChatEvent.Finish(StopReason.END_TURN, "end_turn", Usage.of(10, 20)));
    }
    return new EventSource() {
      boolean closed;

      @Override
      public ChatEvent next() {
        return events.poll();
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }
}
