package dev.aperture.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.aperture.ApertureException;
import dev.aperture.StreamException;
import dev.aperture.chat.ChatEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Writes one streamed answer as OpenAI {@code chat.completion.chunk} server-sent events, each
 * {@code data: {json}\n\n}. Get one from {@link OpenAiChatCodec#newChunkWriter}.
 *
 * <p>The events map as follows. {@link ChatEvent.Start} gives the first chunk, {@code delta: {role:
 * assistant, content: ""}}, and the {@code id}, {@code model} and {@code created} that every chunk
 * repeats. Text and reasoning deltas become {@code delta.content} and {@code
 * delta.reasoning_content}. A tool call becomes {@code delta.tool_calls[{index, id, type, function:
 * {name, arguments: ""}}]} followed by argument fragments; {@code index} counts tool calls from 0
 * in order of appearance, not content blocks. A call whose arguments never arrived as fragments
 * gets its complete arguments (at least {@code {}}) when it ends. {@link ChatEvent.Finish} gives a
 * chunk with an empty delta and the {@code finish_reason}, then (when usage was asked for) a chunk
 * with no choices and the {@code usage}, then {@code data: [DONE]}. When usage was asked for, every
 * other chunk carries {@code usage: null}, as OpenAI's do. Reasoning signatures, redacted reasoning
 * and block stops have no chunk form and write nothing.
 *
 * <p>A failure is written as {@code data: {"error": {...}}} (the envelope of {@link
 * OpenAiChatCodec#encodeError(ApertureException)}) and ends the stream without {@code [DONE]}, so a
 * client cannot mistake a broken answer for a complete one.
 *
 * <p>Each event's bytes go to the output stream in one write followed by a flush, so a token
 * reaches the client as soon as its event is written. Writing fails with {@link
 * UncheckedIOException} when the output stream does; the writer never closes it. Single use and not
 * thread-safe.
 */
public final class OpenAiChunkWriter {
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  // Field names and values written in every chunk, encoded once (the shared ones are OpenAiWire's).
  private static final SerializedString F_DELTA = new SerializedString("delta");
  private static final SerializedString F_USAGE = new SerializedString("usage");
  private static final SerializedString V_CHUNK = new SerializedString("chat.completion.chunk");

  private enum State {
    NEW,
    STREAMING,
    DONE,
    FAILED
  }

  /** The OpenAI tool-call index of a content block, and whether its arguments were sent. */
  private static final class ToolCallState {
    final int index;
    boolean argumentsSent;

    ToolCallState(int index) {
      this.index = index;
    }
  }

  private final JsonFactory factory;
  private final Clock clock;
  private final OutputStream out;
  private final boolean includeUsage;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final Map<Integer, ToolCallState> toolCallsByBlock = new HashMap<>();
  private State state = State.NEW;
  private String id;
  private String model;
  private long created;

  OpenAiChunkWriter(JsonFactory factory, Clock clock, OutputStream out, boolean includeUsage) {
    this.factory = factory;
    this.clock = clock;
    this.out = out;
    this.includeUsage = includeUsage;
  }

  /**
   * Writes every event of {@code events} until the finish, then {@code [DONE]}; or, when iteration
   * fails with an {@link ApertureException} or ends before the finish, the error event. Does not
   * close {@code events}: a {@link dev.aperture.chat.ChatStream} closes itself when it ends or
   * fails, and its owner closes it otherwise.
   *
   * @return empty when the answer finished normally; otherwise the failure that was written
   */
  public Optional<ApertureException> writeAll(Iterable<? extends ChatEvent> events) {
    ApertureException failure;
    try {
      Iterator<? extends ChatEvent> it = events.iterator();
      while (it.hasNext()) {
        write(it.next());
        if (state == State.DONE) {
          return Optional.empty();
        }
      }
      failure =
          new StreamException(
              StreamException.Kind.TRUNCATED, "the stream ended before its finish event");
    } catch (ApertureException e) {
      failure = e;
    }
    writeError(failure);
    return Optional.of(failure);
  }

  /**
   * Writes the chunks for one event (possibly none). The first event must be {@link
   * ChatEvent.Start}; after {@link ChatEvent.Finish} nothing more may be written. Events that break
   * the stream's order throw {@link StreamException} ({@code BAD_FRAME}).
   */
  public void write(ChatEvent event) {
    if (state == State.DONE || state == State.FAILED) {
      throw new IllegalStateException("the stream was already ended");
    }
    if (event instanceof ChatEvent.Start s) {
      if (state != State.NEW) {
        throw badOrder("a second start event");
      }
      id = s.id();
      model = s.model();
      created = clock.instant().getEpochSecond();
      state = State.STREAMING;
      send(
          g -> {
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
          });
      return;
    }
    if (state == State.NEW) {
      throw badOrder("the stream did not begin with a start event");
    }
    if (event instanceof ChatEvent.TextDelta d) {
      send(g -> OpenAiWire.writeText(g, OpenAiWire.F_CONTENT, d.text()));
    } else if (event instanceof ChatEvent.ReasoningDelta d) {
      send(g -> OpenAiWire.writeText(g, OpenAiWire.F_REASONING_CONTENT, d.text()));
    } else if (event instanceof ChatEvent.ToolCallStart s) {
      if (toolCallsByBlock.containsKey(s.index())) {
        throw badOrder("a second tool call start for content block " + s.index());
      }
      ToolCallState call = newToolCall(s.index());
      send(toolCallStart(call.index, s.id(), s.name(), ""));
    } else if (event instanceof ChatEvent.ToolCallDelta d) {
      ToolCallState call = toolCallsByBlock.get(d.index());
      if (call == null) {
        throw badOrder("tool arguments for content block " + d.index() + " before its start");
      }
      if (!d.argumentsFragment().isEmpty()) {
        call.argumentsSent = true;
        send(toolCallArguments(call.index, d.argumentsFragment()));
      }
    } else if (event instanceof ChatEvent.ToolCallEnd e) {
      String arguments =
          e.argumentsJson() == null || e.argumentsJson().isBlank() ? "{}" : e.argumentsJson();
      ToolCallState call = toolCallsByBlock.get(e.index());
      if (call == null) {
        // a provider that reports a call only when complete: send it whole
        call = newToolCall(e.index());
        call.argumentsSent = true;
        send(toolCallStart(call.index, e.id(), e.name(), arguments));
      } else if (!call.argumentsSent) {
        // never leave a client with "" as the arguments of a call that takes none
        call.argumentsSent = true;
        send(toolCallArguments(call.index, arguments));
      }
    } else if (event instanceof ChatEvent.Finish f) {
      buffer.reset();
      appendChunk(DeltaFields.NONE, OpenAiWire.finishReason(f.stopReason()));
      if (includeUsage) {
        appendUsageChunk(f);
      }
      buffer.writeBytes(DONE);
      state = State.DONE;
      flushBuffer();
    }
    // ReasoningSignature, RedactedReasoning and BlockStop have no OpenAI chunk form.
  }

  /**
   * Writes {@code error} as an error event and ends the stream (no {@code [DONE]} follows). Also
   * allowed before any event, when the answer failed before it began.
   */
  public void writeError(ApertureException error) {
    if (state == State.DONE || state == State.FAILED) {
      throw new IllegalStateException("the stream was already ended");
    }
    state = State.FAILED;
    buffer.reset();
    buffer.writeBytes(DATA);
    try (JsonGenerator g = factory.createGenerator(buffer)) {
      OpenAiWire.writeErrorEnvelope(g, error);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buffer.writeBytes(END_OF_EVENT);
    flushBuffer();
  }

  private ToolCallState newToolCall(int blockIndex) {
    ToolCallState call = new ToolCallState(toolCallsByBlock.size());
    toolCallsByBlock.put(blockIndex, call);
    return call;
  }

  private static StreamException badOrder(String what) {
    return new StreamException(StreamException.Kind.BAD_FRAME, "chat events out of order: " + what);
  }

  /** Writes the fields of one chunk's {@code delta} object. */
  @FunctionalInterface
  private interface DeltaFields {
    DeltaFields NONE = g -> {};

    void write(JsonGenerator g) throws IOException;
  }

  private static DeltaFields toolCallStart(int toolIndex, String id, String name, String args) {
    return g -> {
      startToolCall(g, toolIndex);
      OpenAiWire.writeText(g, OpenAiWire.F_ID, id);
      OpenAiWire.writeField(g, OpenAiWire.F_TYPE, OpenAiWire.V_FUNCTION);
      g.writeFieldName(OpenAiWire.F_FUNCTION);
      g.writeStartObject();
      OpenAiWire.writeText(g, OpenAiWire.F_NAME, name);
      OpenAiWire.writeText(g, OpenAiWire.F_ARGUMENTS, args);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
    };
  }

  private static DeltaFields toolCallArguments(int toolIndex, String fragment) {
    return g -> {
      startToolCall(g, toolIndex);
      g.writeFieldName(OpenAiWire.F_FUNCTION);
      g.writeStartObject();
      OpenAiWire.writeText(g, OpenAiWire.F_ARGUMENTS, fragment);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
    };
  }

  /** Opens the {@code tool_calls} array and its one call, and writes the call's {@code index}. */
  private static void startToolCall(JsonGenerator g, int toolIndex) throws IOException {
    g.writeFieldName(OpenAiWire.F_TOOL_CALLS);
    g.writeStartArray();
    g.writeStartObject();
    g.writeFieldName(OpenAiWire.F_INDEX);
    g.writeNumber(toolIndex);
  }

  /** Sends one chunk with {@code delta} and no finish reason. */
  private void send(DeltaFields delta) {
    buffer.reset();
    appendChunk(delta, null);
    flushBuffer();
  }

  /** Appends one {@code data:} event holding a chunk with one choice. */
  private void appendChunk(DeltaFields delta, String finishReason) {
    buffer.writeBytes(DATA);
    try (JsonGenerator g = factory.createGenerator(buffer)) {
      writeChunkHeader(g);
      OpenAiWire.startOnlyChoice(g, F_DELTA);
      delta.write(g);
      g.writeEndObject();
      g.writeFieldName(OpenAiWire.F_LOGPROBS);
      g.writeNull();
      OpenAiWire.writeText(g, OpenAiWire.F_FINISH_REASON, finishReason);
      g.writeEndObject();
      g.writeEndArray();
      if (includeUsage) {
        g.writeFieldName(F_USAGE);
        g.writeNull();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buffer.writeBytes(END_OF_EVENT);
  }

  private void appendUsageChunk(ChatEvent.Finish finish) {
    buffer.writeBytes(DATA);
    try (JsonGenerator g = factory.createGenerator(buffer)) {
      writeChunkHeader(g);
      g.writeFieldName(OpenAiWire.F_CHOICES);
      g.writeStartArray();
      g.writeEndArray();
      OpenAiWire.writeUsageField(g, finish.usage());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buffer.writeBytes(END_OF_EVENT);
  }

  private void writeChunkHeader(JsonGenerator g) throws IOException {
    g.writeStartObject();
    OpenAiWire.writeText(g, OpenAiWire.F_ID, id);
    OpenAiWire.writeField(g, OpenAiWire.F_OBJECT, V_CHUNK);
    g.writeFieldName(OpenAiWire.F_CREATED);
    g.writeNumber(created);
    OpenAiWire.writeText(g, OpenAiWire.F_MODEL, model);
  }

  private void flushBuffer() {
    try {
      buffer.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
