package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.StreamException;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.io.IOException;
import java.util.List;

/**
 * ConverseStream → canonical events. Bedrock sends no {@code contentBlockStart} for text or
 * reasoning blocks, so blocks are keyed by {@code contentBlockIndex}; usage ({@code metadata})
 * arrives after {@code messageStop}, and the {@link ChatEvent.Finish} waits for both.
 */
final class ConverseStreamTranslator implements StreamTranslator {
  private final StreamBlocks blocks;
  private final DeltaScanner scanner = new DeltaScanner();
  private byte[] payload = new byte[512]; // the delta being scanned, grown to the largest seen
  private final Delta reused = new Delta(); // the scanner's result, one frame at a time
  // the headers of the last event frame (an unmodifiable list, so the same list means the same
  // headers) and its event type
  private List<EventStreamMessage.Header> lastHeaders;
  private String lastType;
  private String stopReason;
  private Usage usage;
  private Long latencyMillis;
  private boolean complete;

  ConverseStreamTranslator(String model, String provider) {
    this.blocks = new StreamBlocks(model, provider);
  }

  @Override
  public void accept(EventStreamMessage message, List<ChatEvent> out) {
    String type;
    List<EventStreamMessage.Header> headers = message.headers();
    if (headers == lastHeaders) {
      type = lastType; // the decoder hands out one list per repeated headers section
    } else {
      StreamFrames.rejectErrors(message);
      type = message.eventType().orElse("");
      lastHeaders = headers;
      lastType = type;
    }
    switch (type) {
      case "messageStart":
        blocks.start(null, out);
        break;
      case "contentBlockStart":
        {
          blocks.start(null, out);
          BlockStart start = readPayload(message, ConverseStreamTranslator::blockStart);
          if (start == null) {
            JsonNode p = StreamFrames.payload(message);
            int index = StreamFrames.index(p, "contentBlockIndex");
            JsonNode toolUse = p.path("start").path("toolUse");
            start =
                new BlockStart(
                    index,
                    toolUse.isObject(),
                    WireJson.text(toolUse, "toolUseId"),
                    WireJson.text(toolUse, "name"));
          }
          if (start.toolUse) {
            blocks.toolStart(start.index, start.toolUseId, start.name, out);
          }
          break;
        }
      case "contentBlockDelta":
        {
          blocks.start(null, out);
          delta(message, out);
          break;
        }
      case "contentBlockStop":
        {
          // {"contentBlockIndex":n} and padding: the delta scanner reads it as a delta-less delta
          Delta d = reused.clear();
          int index =
              scanDelta(message, d) && d.index != null
                  ? d.index
                  : StreamFrames.index(StreamFrames.payload(message), "contentBlockIndex");
          blocks.stop(index, out);
          break;
        }
      case "messageStop":
        {
          String stop = readPayload(message, ConverseStreamTranslator::stopReason);
          if (stop == null) {
            stop = StreamBlocks.orEmpty(WireJson.text(StreamFrames.payload(message), "stopReason"));
          }
          stopReason = stop;
          maybeFinish(out);
          break;
        }
      case "metadata":
        {
          Metadata m = readPayload(message, ConverseStreamTranslator::metadata);
          if (m == null) {
            JsonNode p = StreamFrames.payload(message);
            JsonNode latency = p.path("metrics").get("latencyMs");
            m =
                new Metadata(
                    ConverseCodec.usage(p.get("usage")),
                    latency != null && latency.canConvertToLong() ? latency.asLong() : null);
          }
          usage = m.usage;
          latencyMillis = m.latencyMillis;
          maybeFinish(out);
          break;
        }
      default:
        // Events this version does not know are skipped, as the AWS SDKs do.
        break;
    }
  }

  /**
   * A frame's payload read by {@code reader} with a streaming parser over a copy in the buffer kept
   * for the stream: the reader's answer, or null when the payload is not a well-formed object
   * (which the tree reading then refuses with its message) or is larger than the delta scanner
   * takes (the tree reading reads it, without growing the stream's buffer). Readers mirror the tree
   * reading: the first JSON value only, the last of repeated fields wins, values of the wrong type
   * count as absent.
   */
  private <T> T readPayload(EventStreamMessage message, WireJson.FastReader<T> reader) {
    int size = copyPayload(message);
    return size < 0 ? null : WireJson.readObject(payload, 0, size, reader);
  }

  private record BlockStart(int index, boolean toolUse, String toolUseId, String name) {}

  /** {@code contentBlockStart}: its index and the tool use it starts, if any. */
  private static BlockStart blockStart(JsonParser p) throws IOException {
    Integer index = null;
    boolean toolUse = false;
    String id = null;
    String name = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("contentBlockIndex")) {
        index = StreamFrames.intValue(p, value);
      } else if (field.equals("start")) {
        toolUse = false;
        id = null;
        name = null;
        if (value != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          JsonToken v = p.nextToken();
          if (!inner.equals("toolUse")) {
            p.skipChildren();
            continue;
          }
          toolUse = v == JsonToken.START_OBJECT;
          id = null;
          name = null;
          if (!toolUse) {
            p.skipChildren();
            continue;
          }
          // the answer's tool-use reader: a missing or non-string id or name reads as "", as
          // StreamBlocks.toolStart makes of the tree reading's null
          ContentPart.ToolCall call = ConverseCodec.readToolUse(p);
          id = call.id();
          name = call.name();
        }
      } else {
        p.skipChildren();
      }
    }
    return index == null ? null : new BlockStart(index, toolUse, id, name);
  }

  /** {@code messageStop}: its stop reason, "" when absent. */
  private static String stopReason(JsonParser p) throws IOException {
    String stop = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("stopReason")) {
        stop = WireJson.stringOrNull(p);
      }
      p.skipChildren();
    }
    return StreamBlocks.orEmpty(stop);
  }

  private record Metadata(Usage usage, Long latencyMillis) {}

  /** {@code metadata}: the usage (zero when absent) and the latency. */
  private static Metadata metadata(JsonParser p) throws IOException {
    Usage usage = null;
    Long latency = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("usage")) {
        usage = ConverseCodec.readUsage(p);
      } else if (field.equals("metrics")) {
        latency = ConverseCodec.readLatency(p);
      } else {
        p.skipChildren();
      }
    }
    return new Metadata(usage != null ? usage : ConverseCodec.usage(null), latency);
  }

  /** The scanner over a copy of the payload in a buffer kept for the stream. */
  private boolean scanDelta(EventStreamMessage message, Delta d) {
    int size = copyPayload(message);
    return size >= 0 && scanner.read(payload, 0, size, d);
  }

  /**
   * Copies the frame's payload into {@link #payload}, the buffer kept for the stream; its size, or
   * -1 when it is larger than {@link DeltaScanner#MAX_PAYLOAD_BYTES} (not worth keeping a buffer
   * that large for the rest of the stream: such a frame is read the slow way).
   */
  private int copyPayload(EventStreamMessage message) {
    int size = message.payloadSize();
    if (size > DeltaScanner.MAX_PAYLOAD_BYTES) {
      return -1;
    }
    if (payload.length < size) {
      payload = new byte[Math.max(size, payload.length * 2)];
    }
    message.copyPayload(payload, 0);
    return size;
  }

  /**
   * The hot path: a {@code contentBlockDelta} read from its bytes by the {@link DeltaScanner}, or,
   * for payloads outside its subset, with a streaming parser. Both mirror what a tree reading does:
   * the first JSON value only, the last of repeated fields wins, non-string values count as absent,
   * unknown fields (such as the padding {@code "p"}) are skipped, and a payload that does not start
   * an object goes to {@link StreamFrames#payload} for its usual error.
   */
  private void delta(EventStreamMessage message, List<ChatEvent> out) {
    Delta d = reused.clear();
    if (!scanDelta(message, d)) {
      d = readWithJackson(message);
    }
    if (d.index == null) {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME, "stream event without a numeric 'contentBlockIndex'");
    }
    int index = d.index;
    if (d.text != null) {
      out.add(new ChatEvent.TextDelta(index, d.text));
    } else if (d.toolUse) {
      blocks.toolFragment(index, d.toolInput, out);
    } else if (d.reasoning) {
      if (d.reasoningText != null) {
        out.add(new ChatEvent.ReasoningDelta(index, d.reasoningText));
      }
      if (d.signature != null) {
        out.add(new ChatEvent.ReasoningSignature(index, d.signature));
      }
      if (d.redacted != null) {
        out.add(new ChatEvent.RedactedReasoning(index, d.redacted));
      }
    }
  }

  /**
   * The reference reading of a {@code contentBlockDelta} payload, with Jackson's streaming parser;
   * {@link DeltaScanner} gives the same answer for the payloads it takes.
   */
  static Delta readWithJackson(EventStreamMessage message) {
    Delta d = new Delta();
    try (JsonParser parser = WireJson.MAPPER.getFactory().createParser(message.payloadStream())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        StreamFrames.payload(message); // throws the error the tree reading would
        throw new IllegalStateException("a payload that is not an object parsed as one");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("contentBlockIndex".equals(field)) {
          d.index = StreamFrames.intValue(parser, value);
        } else if ("delta".equals(field)) {
          d.reset();
          if (value == JsonToken.START_OBJECT) {
            readDelta(parser, d);
          } else {
            parser.skipChildren();
          }
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME,
          "event '" + message.eventType().orElse("?") + "' has a payload that is not JSON",
          e);
    }
    return d;
  }

  /** Reads the {@code delta} object, the parser on its START_OBJECT; ends on its END_OBJECT. */
  private static void readDelta(JsonParser parser, Delta d) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("text".equals(field)) {
        d.text = string(parser, value);
      } else if ("toolUse".equals(field)) {
        d.toolUse = true;
        d.toolInput = null;
        if (value == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String f = parser.currentName();
            JsonToken v = parser.nextToken();
            if ("input".equals(f)) {
              d.toolInput = string(parser, v);
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      } else if ("reasoningContent".equals(field)) {
        d.reasoning = true;
        d.reasoningText = null;
        d.signature = null;
        d.redacted = null;
        if (value == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String f = parser.currentName();
            JsonToken v = parser.nextToken();
            if ("text".equals(f)) {
              d.reasoningText = string(parser, v);
            } else if ("signature".equals(f)) {
              d.signature = string(parser, v);
            } else if ("redactedContent".equals(f)) {
              d.redacted = string(parser, v);
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      } else {
        parser.skipChildren();
      }
    }
  }

  /** The current value as a string, or null (after skipping it) when it is not one. */
  private static String string(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  /** What one {@code contentBlockDelta} carries; absent members stay null or false. */
  static final class Delta {
    Integer index;
    String text;
    boolean toolUse;
    String toolInput;
    boolean reasoning;
    String reasoningText;
    String signature;
    String redacted;

    /** This delta with nothing read, for the next frame. */
    Delta clear() {
      index = null;
      reset();
      return this;
    }

    @Override
    public String toString() {
      return "Delta{index="
          + index
          + ", text="
          + text
          + ", toolUse="
          + toolUse
          + ", toolInput="
          + toolInput
          + ", reasoning="
          + reasoning
          + ", reasoningText="
          + reasoningText
          + ", signature="
          + signature
          + ", redacted="
          + redacted
          + "}";
    }

    /** Forgets the delta's content (a repeated {@code delta} member replaces the one before). */
    void reset() {
      text = null;
      toolUse = false;
      toolInput = null;
      reasoning = false;
      reasoningText = null;
      signature = null;
      redacted = null;
    }
  }

  private void maybeFinish(List<ChatEvent> out) {
    if (!complete && stopReason != null && usage != null) {
      complete = true;
      out.add(
          new ChatEvent.Finish(
              StopReason.fromWire(stopReason), stopReason, null, usage, null, null, latencyMillis));
    }
  }

  @Override
  public boolean isComplete() {
    return complete;
  }

  @Override
  public Usage usageSoFar() {
    return usage != null ? usage : Usage.ZERO; // Converse reports usage only in metadata
  }
}
