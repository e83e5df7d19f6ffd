package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.StreamException;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ImmutableUsage;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * InvokeModelWithResponseStream for Anthropic models → canonical events. Each {@code chunk} frame's
 * {@code bytes} field is one base64-encoded Anthropic Messages streaming event. Usage comes from
 * {@code message_start} (input and cache counts) and {@code message_delta} (output); {@code
 * message_stop} completes the answer, and its {@code amazon-bedrock-invocationMetrics} fill any
 * cache count the events left out.
 */
final class AnthropicStreamTranslator implements StreamTranslator {
  private final StreamBlocks blocks;
  private Usage startUsage = Usage.ZERO;
  private long outputTokens;
  private String stopReason;
  private String stopSequence;
  private boolean complete;

  AnthropicStreamTranslator(String model, String provider) {
    this.blocks = new StreamBlocks(model, provider);
  }

  /** Decodes a {@code chunk} frame's payload to the Anthropic event it carries. */
  static JsonNode anthropicEvent(EventStreamMessage message) {
    JsonNode chunk = StreamFrames.payload(message);
    String bytes = WireJson.text(chunk, "bytes");
    if (bytes == null) {
      throw new StreamException(StreamException.Kind.BAD_FRAME, "chunk event without 'bytes'");
    }
    try {
      JsonNode event = WireJson.MAPPER.readTree(Base64.getDecoder().decode(bytes));
      if (event == null || !event.isObject()) {
        throw new StreamException(
            StreamException.Kind.BAD_FRAME, "chunk 'bytes' is not a JSON object");
      }
      return event;
    } catch (IOException | IllegalArgumentException e) {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME, "chunk 'bytes' is not base64 of a JSON event", e);
    }
  }

  @Override
  public void accept(EventStreamMessage message, List<ChatEvent> out) {
    StreamFrames.rejectErrors(message);
    if (!message.eventType().orElse("").equals("chunk")) {
      return; // nothing else is defined for this operation
    }
    JsonNode e = anthropicEvent(message);
    String type = WireJson.text(e, "type");
    if (type == null) {
      throw new StreamException(StreamException.Kind.BAD_FRAME, "Anthropic event without a type");
    }
    switch (type) {
      case "message_start":
        {
          JsonNode msg = e.path("message");
          startUsage = AnthropicInvokeCodec.usage(msg.get("usage"));
          blocks.start(WireJson.text(msg, "id"), out);
          break;
        }
      case "content_block_start":
        {
          blocks.start(null, out);
          int index = StreamFrames.index(e, "index");
          JsonNode block = e.path("content_block");
          String blockType = WireJson.text(block, "type");
          if ("tool_use".equals(blockType) || "server_tool_use".equals(blockType)) {
            blocks.toolStart(index, WireJson.text(block, "id"), WireJson.text(block, "name"), out);
          } else if ("text".equals(blockType)) {
            String text = WireJson.text(block, "text");
            if (text != null && !text.isEmpty()) {
              out.add(new ChatEvent.TextDelta(index, text));
            }
          } else if ("thinking".equals(blockType)) {
            String thinking = WireJson.text(block, "thinking");
            if (thinking != null && !thinking.isEmpty()) {
              out.add(new ChatEvent.ReasoningDelta(index, thinking));
            }
          } else if ("redacted_thinking".equals(blockType)) {
            out.add(
                new ChatEvent.RedactedReasoning(
                    index, StreamBlocks.orEmpty(WireJson.text(block, "data"))));
          }
          break;
        }
      case "content_block_delta":
        {
          blocks.start(null, out);
          int index = StreamFrames.index(e, "index");
          delta(index, e.path("delta"), out);
          break;
        }
      case "content_block_stop":
        {
          int index = StreamFrames.index(e, "index");
          blocks.stop(index, out);
          break;
        }
      case "message_delta":
        {
          JsonNode delta = e.path("delta");
          String reason = WireJson.text(delta, "stop_reason");
          if (reason != null) {
            stopReason = reason;
          }
          String seq = WireJson.text(delta, "stop_sequence");
          if (seq != null) {
            stopSequence = seq;
          }
          JsonNode usage = e.get("usage");
          if (usage != null && usage.has("output_tokens")) {
            outputTokens = WireJson.count(usage, "output_tokens");
          }
          break;
        }
      case "message_stop":
        finish(e.path("amazon-bedrock-invocationMetrics"), out);
        break;
      case "error":
        {
          JsonNode err = e.path("error");
          String errorType = StreamBlocks.orEmpty(WireJson.text(err, "type"));
          throw new StreamException(
              StreamException.Kind.UPSTREAM_ERROR,
              errorType,
              "the model reported "
                  + errorType
                  + " mid-stream: "
                  + StreamBlocks.orEmpty(WireJson.text(err, "message")),
              "overloaded_error".equals(errorType)
                  || BedrockErrorType.fromWire(errorType).retryable(),
              null);
        }
      default:
        // ping and future event types carry nothing for the canonical answer
        break;
    }
  }

  private void delta(int index, JsonNode delta, List<ChatEvent> out) {
    String type = StreamBlocks.orEmpty(WireJson.text(delta, "type"));
    switch (type) {
      case "text_delta":
        out.add(new ChatEvent.TextDelta(index, StreamBlocks.orEmpty(WireJson.text(delta, "text"))));
        break;
      case "input_json_delta":
        {
          blocks.toolFragment(index, WireJson.text(delta, "partial_json"), out);
          break;
        }
      case "thinking_delta":
        out.add(
            new ChatEvent.ReasoningDelta(
                index, StreamBlocks.orEmpty(WireJson.text(delta, "thinking"))));
        break;
      case "signature_delta":
        out.add(
            new ChatEvent.ReasoningSignature(
                index, StreamBlocks.orEmpty(WireJson.text(delta, "signature"))));
        break;
      default:
        // citations_delta and future deltas: not part of the canonical text
        break;
    }
  }

  private void finish(JsonNode metrics, List<ChatEvent> out) {
    if (stopReason == null) {
      throw new StreamException(
          StreamException.Kind.TRUNCATED, "message_stop arrived before any stop_reason");
    }
    ImmutableUsage.Builder usage = Usage.builder().from(startUsage).outputTokens(outputTokens);
    if (metrics.isObject()) {
      // Bedrock's own counts are authoritative where the events left a counter at zero.
      if (startUsage.cacheReadTokens() == 0) {
        usage.cacheReadTokens(WireJson.count(metrics, "cacheReadInputTokenCount"));
      }
      if (startUsage.cacheWriteTokens() == 0) {
        usage.cacheWrite5mTokens(WireJson.count(metrics, "cacheWriteInputTokenCount"));
      }
      if (outputTokens == 0) {
        usage.outputTokens(WireJson.count(metrics, "outputTokenCount"));
      }
    }
    JsonNode latency = metrics.get("invocationLatency");
    complete = true;
    out.add(
        new ChatEvent.Finish(
            StopReason.fromWire(stopReason),
            stopReason,
            stopSequence,
            usage.build(),
            null,
            null,
            latency != null && latency.canConvertToLong() ? latency.asLong() : null));
  }

  @Override
  public boolean isComplete() {
    return complete;
  }

  @Override
  public Usage usageSoFar() {
    return outputTokens == 0
        ? startUsage
        : Usage.builder().from(startUsage).outputTokens(outputTokens).build();
  }
}
