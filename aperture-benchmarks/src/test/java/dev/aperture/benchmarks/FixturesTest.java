package dev.aperture.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.StopReason;
import dev.aperture.openai.OpenAiChatCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FixturesTest {
  private final OpenAiChatCodec openAi = OpenAiChatCodec.create();

  @Test
  void largeRequestHasAHundredMessagesToolsAndImages() {
    ChatRequest r =
        openAi.decodeRequest(Fixtures.of(Fixtures.Size.LARGE).openAiRequest()).chatRequest();
    assertEquals(100, r.messages().size());
    assertEquals(8, r.tools().size());
    long images =
        r.messages().stream()
            .flatMap(m -> m.content().stream())
            .filter(ContentPart.Image.class::isInstance)
            .count();
    assertEquals(3, images);
    assertTrue(
        r.messages().stream()
            .flatMap(m -> m.content().stream())
            .anyMatch(ContentPart.ToolResult.class::isInstance));
  }

  @ParameterizedTest
  @EnumSource(Fixtures.Size.class)
  void requestsTranslateToConverseAndAnthropicBodies(Fixtures.Size size) {
    ChatRequest r = openAi.decodeRequest(Fixtures.of(size).openAiRequest()).chatRequest();
    assertTrue(new ConverseCodec().encodeRequest(r, Fixtures.MODEL).length > 1000);
    assertTrue(new AnthropicInvokeCodec().encodeRequest(r).length > 1000);
  }

  @ParameterizedTest
  @EnumSource(Fixtures.Size.class)
  void answersDecodeWithTheirUsage(Fixtures.Size size) {
    Fixtures f = Fixtures.of(size);
    ChatResponse converse =
        new ConverseCodec().decodeResponse(f.converseResponse(), Fixtures.MODEL, "p");
    ChatResponse anthropic =
        new AnthropicInvokeCodec().decodeResponse(f.anthropicResponse(), Fixtures.MODEL, "p");
    long output = size == Fixtures.Size.LARGE ? 2210 : 236;
    assertEquals(output, converse.usage().outputTokens());
    assertEquals(output, anthropic.usage().outputTokens());
    assertFalse(converse.text().isEmpty());
    assertEquals(size == Fixtures.Size.LARGE ? 2 : 0, converse.toolCalls().size());
    assertEquals(size == Fixtures.Size.LARGE ? 2 : 0, anthropic.toolCalls().size());
  }

  @ParameterizedTest
  @EnumSource(Fixtures.Size.class)
  void streamsDecodeToAFinishedAnswer(Fixtures.Size size) {
    Fixtures f = Fixtures.of(size);
    StreamTranslator translator = StreamTranslator.converse(Fixtures.MODEL, "p");
    List<ChatEvent> events = new ArrayList<>();
    int frames = 0;
    try (EventStreamDecoder decoder = EventStreamDecoder.create(f.converseStream())) {
      for (var m = decoder.next(); m != null; m = decoder.next()) {
        frames++;
        translator.accept(m, events);
      }
    }
    assertEquals(f.converseStreamFrames(), frames);
    assertTrue(translator.isComplete());
    ChatEvent last = events.get(events.size() - 1);
    assertTrue(last instanceof ChatEvent.Finish);
    assertEquals(
        size == Fixtures.Size.LARGE ? StopReason.TOOL_USE : StopReason.END_TURN,
        ((ChatEvent.Finish) last).stopReason());
  }
}
