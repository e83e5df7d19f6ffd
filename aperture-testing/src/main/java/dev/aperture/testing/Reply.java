package dev.aperture.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.BedrockErrorType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A scripted model answer: content blocks, usage, stop reason, and optionally how delivery goes
 * wrong. Immutable: every method returns a new reply, so one reply can serve many requests and
 * threads.
 *
 * <p>The emulator renders the same reply in the shape of whichever operation was called — Converse
 * JSON, Anthropic InvokeModel JSON, ConverseStream events or InvokeModelWithResponseStream chunks —
 * with the same text, tool calls and token counts, so a stream and a non-stream answer to the same
 * script agree. Fragments ({@code Reply.text("Hel", "lo")}) become one stream delta each and are
 * joined in non-stream answers.
 *
 * <pre>{@code
 * Reply.text("Hello", " world").usage(21, 7).cacheRead(100).cacheWrite(20);
 * Reply.toolCall("tooluse_1", "get_weather", "{\"city\":", "\"Paris\"}");
 * Reply.reasoning("The user greets me.", "c2lnbmF0dXJl").andText("Hi!");
 * }</pre>
 *
 * <h2>Frames</h2>
 *
 * Fault methods count event-stream frames from 1 in the order they are sent. For {@code
 * Reply.text("Hello", " world")}: ConverseStream sends messageStart (1), two contentBlockDelta (2,
 * 3), contentBlockStop (4), messageStop (5), metadata (6); InvokeModelWithResponseStream sends
 * message_start (1), content_block_start (2), two content_block_delta (3, 4), content_block_stop
 * (5), message_delta (6), message_stop (7). Tool blocks add a contentBlockStart to ConverseStream.
 * Stream faults do not change non-streaming answers, except {@link #disconnectAfterFrames(int)}.
 */
public final class Reply implements Outcome {
  /** Input tokens reported when {@link #usage(int, int)} was not called. */
  public static final int DEFAULT_INPUT_TOKENS = 12;

  /** Latency reported in {@code metrics.latencyMs} unless {@link #latencyMillis(long)} says. */
  public static final long DEFAULT_LATENCY_MILLIS = 250;

  /** One content block of the answer. */
  sealed interface Block permits Text, ToolUse, Reasoning, RedactedReasoning {}

  /** A text block; each fragment is one delta. */
  record Text(List<String> fragments) implements Block {
    String joined() {
      return String.join("", fragments);
    }
  }

  /** A tool call; each argument fragment is one partial-JSON delta. */
  record ToolUse(String toolUseId, String name, List<String> argumentFragments, JsonNode input)
      implements Block {
    String joinedArguments() {
      return String.join("", argumentFragments);
    }
  }

  /** Reasoning text with its signature: one text delta, then one signature delta. */
  record Reasoning(String text, String signature) implements Block {}

  /** Redacted reasoning: opaque base64 data, one delta. */
  record RedactedReasoning(String data) implements Block {}

  /** How a stream ends. */
  enum Ending {
    COMPLETE,
    TRUNCATE_AFTER,
    DROP_LAST,
    EXCEPTION_AFTER,
    DISCONNECT_AFTER
  }

  private final List<Block> blocks;
  private final Integer inputTokens;
  private final Integer outputTokens;
  private final int cacheReadTokens;
  private final int cacheWriteTokens;
  private final boolean cacheReported;
  private final String stopReason;
  private final String stopSequence;
  private final long latencyMillis;
  private final Duration firstByteDelay;
  private final Pause pause;
  private final Ending ending;
  private final int endingFrames;
  private final String exceptionType;
  private final String exceptionMessage;
  private final int corruptMessageCrcFrame;
  private final int corruptPreludeCrcFrame;

  private Reply(Draft d) {
    this.blocks = List.copyOf(d.blocks);
    this.inputTokens = d.inputTokens;
    this.outputTokens = d.outputTokens;
    this.cacheReadTokens = d.cacheReadTokens;
    this.cacheWriteTokens = d.cacheWriteTokens;
    this.cacheReported = d.cacheReported;
    this.stopReason = d.stopReason;
    this.stopSequence = d.stopSequence;
    this.latencyMillis = d.latencyMillis;
    this.firstByteDelay = d.firstByteDelay;
    this.pause = d.pause;
    this.ending = d.ending;
    this.endingFrames = d.endingFrames;
    this.exceptionType = d.exceptionType;
    this.exceptionMessage = d.exceptionMessage;
    this.corruptMessageCrcFrame = d.corruptMessageCrcFrame;
    this.corruptPreludeCrcFrame = d.corruptPreludeCrcFrame;
  }

  /** A text answer; each fragment is streamed as its own delta. */
  public static Reply text(String... fragments) {
    return new Reply(new Draft()).andText(fragments);
  }

  /**
   * A tool call. The argument fragments are the streamed partial-JSON deltas; joined they must be a
   * JSON object, or empty (no deltas are streamed and the input is {@code {}}).
   */
  public static Reply toolCall(String toolUseId, String name, String... argumentFragments) {
    return new Reply(new Draft()).andToolCall(toolUseId, name, argumentFragments);
  }

  /** A reasoning block (extended thinking) with its signature; usually followed by text. */
  public static Reply reasoning(String text, String signature) {
    return new Reply(new Draft()).andReasoning(text, signature);
  }

  /** A redacted reasoning block carrying opaque base64 data. */
  public static Reply redactedReasoning(String base64Data) {
    return new Reply(new Draft()).andRedactedReasoning(base64Data);
  }

  /** This reply with a text block appended. */
  public Reply andText(String... fragments) {
    if (fragments.length == 0) {
      throw new IllegalArgumentException("a text block needs at least one fragment");
    }
    return withBlock(new Text(copyOf(fragments, "fragment")));
  }

  /** This reply with a tool call appended; see {@link #toolCall(String, String, String...)}. */
  public Reply andToolCall(String toolUseId, String name, String... argumentFragments) {
    requireNonEmpty(toolUseId, "toolUseId");
    requireNonEmpty(name, "name");
    List<String> fragments = copyOf(argumentFragments, "argument fragment");
    String joined = String.join("", fragments);
    JsonNode input;
    try {
      input =
          joined.isBlank() ? EmulatorJson.MAPPER.createObjectNode() : EmulatorJson.parse(joined);
    } catch (IllegalArgumentException e) {
      input = null;
    }
    if (input == null || !input.isObject()) {
      throw new IllegalArgumentException(
          "tool arguments must join to a JSON object, got: " + joined);
    }
    return withBlock(new ToolUse(toolUseId, name, fragments, input));
  }

  /** This reply with a reasoning block appended. */
  public Reply andReasoning(String text, String signature) {
    return withBlock(
        new Reasoning(
            Objects.requireNonNull(text, "text"), requireNonEmpty(signature, "signature")));
  }

  /** This reply with a redacted reasoning block appended. */
  public Reply andRedactedReasoning(String base64Data) {
    return withBlock(new RedactedReasoning(requireNonEmpty(base64Data, "base64Data")));
  }

  /**
   * Input tokens (excluding cache reads and writes, as Bedrock counts them) and output tokens. By
   * default input is {@value #DEFAULT_INPUT_TOKENS} and output is about a token per four characters
   * of content.
   */
  public Reply usage(int inputTokens, int outputTokens) {
    Draft d = draft();
    d.inputTokens = nonNegative(inputTokens, "inputTokens");
    d.outputTokens = nonNegative(outputTokens, "outputTokens");
    return new Reply(d);
  }

  /** Tokens read from the prompt cache; cache fields then appear in the usage. */
  public Reply cacheRead(int tokens) {
    Draft d = draft();
    d.cacheReadTokens = nonNegative(tokens, "tokens");
    d.cacheReported = true;
    return new Reply(d);
  }

  /** Tokens written to the prompt cache; cache fields then appear in the usage. */
  public Reply cacheWrite(int tokens) {
    Draft d = draft();
    d.cacheWriteTokens = nonNegative(tokens, "tokens");
    d.cacheReported = true;
    return new Reply(d);
  }

  /**
   * The raw stop reason, e.g. {@code end_turn}, {@code max_tokens}, {@code guardrail_intervened};
   * sent as is in every shape. Default: {@code tool_use} when the reply calls a tool, {@code
   * stop_sequence} after {@link #stopSequence(String)}, else {@code end_turn}.
   */
  public Reply stopReason(String stopReason) {
    Draft d = draft();
    d.stopReason = requireNonEmpty(stopReason, "stopReason");
    return new Reply(d);
  }

  /** The stop sequence that ended the answer (InvokeModel's {@code stop_sequence}). */
  public Reply stopSequence(String sequence) {
    Draft d = draft();
    d.stopSequence = Objects.requireNonNull(sequence, "sequence");
    return new Reply(d);
  }

  /**
   * The latency reported in metrics and headers (not a real delay; see {@link #delayFirstByte}).
   */
  public Reply latencyMillis(long latencyMillis) {
    Draft d = draft();
    d.latencyMillis = nonNegative(latencyMillis, "latencyMillis");
    return new Reply(d);
  }

  /** Waits this long before sending the response headers (a slow first byte). */
  public Reply delayFirstByte(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    Draft d = draft();
    d.firstByteDelay = delay;
    return new Reply(d);
  }

  /**
   * Streams up to and including the first content delta (flushed, so the client can read it), then
   * waits for {@code pause} to be released. Non-streaming answers are held whole. See {@link
   * Pause}.
   */
  public Reply pauseAfterFirstDelta(Pause pause) {
    Draft d = draft();
    d.pause = Objects.requireNonNull(pause, "pause");
    return new Reply(d);
  }

  /**
   * Ends the stream cleanly (well-formed HTTP) after {@code frames} frames, whatever the sequence
   * still owed: with fewer frames than the whole sequence the client sees end-of-stream before
   * {@code messageStop}/{@code metadata} (or {@code message_stop}).
   */
  public Reply truncateAfterFrames(int frames) {
    return withEnding(Ending.TRUNCATE_AFTER, nonNegative(frames, "frames"), null, null);
  }

  /**
   * Ends the stream cleanly without its last {@code frames} frames: {@code dropLastFrames(2)} omits
   * messageStop and metadata from ConverseStream, and message_delta and message_stop from
   * InvokeModelWithResponseStream.
   */
  public Reply dropLastFrames(int frames) {
    return withEnding(Ending.DROP_LAST, nonNegative(frames, "frames"), null, null);
  }

  /**
   * After {@code frames} frames, sends an exception frame ({@code :message-type: exception}, {@code
   * :exception-type} e.g. {@code throttlingException}, payload {@code {"message": …}}) and ends the
   * stream.
   */
  public Reply exceptionAfterFrames(int frames, BedrockErrorType type, String message) {
    if (type == BedrockErrorType.UNKNOWN) {
      throw new IllegalArgumentException("UNKNOWN has no wire name");
    }
    String name = type.wireName();
    String exceptionType = Character.toLowerCase(name.charAt(0)) + name.substring(1);
    return withEnding(
        Ending.EXCEPTION_AFTER,
        nonNegative(frames, "frames"),
        exceptionType,
        Objects.requireNonNull(message, "message"));
  }

  /**
   * Closes the connection after {@code frames} frames, without ending the HTTP body: the client
   * sees an I/O error mid-stream. Non-streaming answers are cut halfway through the JSON body.
   */
  public Reply disconnectAfterFrames(int frames) {
    return withEnding(Ending.DISCONNECT_AFTER, nonNegative(frames, "frames"), null, null);
  }

  /** Sends frame {@code frameNumber} (from 1) with a wrong message CRC (its last byte flipped). */
  public Reply corruptMessageCrcInFrame(int frameNumber) {
    Draft d = draft();
    d.corruptMessageCrcFrame = positive(frameNumber, "frameNumber");
    return new Reply(d);
  }

  /** Sends frame {@code frameNumber} (from 1) with a wrong prelude CRC (byte 11 flipped). */
  public Reply corruptPreludeCrcInFrame(int frameNumber) {
    Draft d = draft();
    d.corruptPreludeCrcFrame = positive(frameNumber, "frameNumber");
    return new Reply(d);
  }

  /** Input tokens reported (excluding cache tokens). */
  public int inputTokens() {
    return inputTokens != null ? inputTokens : DEFAULT_INPUT_TOKENS;
  }

  /** Output tokens reported. */
  public int outputTokens() {
    if (outputTokens != null) {
      return outputTokens;
    }
    long chars = 0;
    for (Block b : blocks) {
      if (b instanceof Text t) {
        chars += t.joined().length();
      } else if (b instanceof ToolUse u) {
        chars += u.name().length() + u.joinedArguments().length();
      } else if (b instanceof Reasoning r) {
        chars += r.text().length();
      }
    }
    return (int) Math.max(1, (chars + 3) / 4);
  }

  /** Tokens read from the prompt cache. */
  public int cacheReadTokens() {
    return cacheReadTokens;
  }

  /** Tokens written to the prompt cache. */
  public int cacheWriteTokens() {
    return cacheWriteTokens;
  }

  /** The stop reason sent (explicit or the default described at {@link #stopReason(String)}). */
  public String stopReason() {
    if (stopReason != null) {
      return stopReason;
    }
    for (Block b : blocks) {
      if (b instanceof ToolUse) {
        return "tool_use";
      }
    }
    return stopSequence != null ? "stop_sequence" : "end_turn";
  }

  List<Block> blocks() {
    return blocks;
  }

  boolean cacheReported() {
    return cacheReported;
  }

  String stopSequenceOrNull() {
    return stopSequence;
  }

  long latency() {
    return latencyMillis;
  }

  Duration firstByteDelay() {
    return firstByteDelay;
  }

  Pause pauseOrNull() {
    return pause;
  }

  Ending ending() {
    return ending;
  }

  int endingFrames() {
    return endingFrames;
  }

  String exceptionType() {
    return exceptionType;
  }

  String exceptionMessage() {
    return exceptionMessage;
  }

  int corruptMessageCrcFrame() {
    return corruptMessageCrcFrame;
  }

  int corruptPreludeCrcFrame() {
    return corruptPreludeCrcFrame;
  }

  @Override
  public String toString() {
    return "Reply{blocks="
        + blocks
        + ", usage="
        + inputTokens()
        + "/"
        + outputTokens()
        + ", cache="
        + cacheReadTokens
        + "/"
        + cacheWriteTokens
        + ", stopReason="
        + stopReason()
        + (ending == Ending.COMPLETE ? "" : ", ending=" + ending + "(" + endingFrames + ")")
        + "}";
  }

  private Reply withBlock(Block block) {
    Draft d = draft();
    d.blocks.add(block);
    return new Reply(d);
  }

  private Reply withEnding(Ending ending, int frames, String exceptionType, String message) {
    Draft d = draft();
    d.ending = ending;
    d.endingFrames = frames;
    d.exceptionType = exceptionType;
    d.exceptionMessage = message;
    return new Reply(d);
  }

  private Draft draft() {
    Draft d = new Draft();
    d.blocks.addAll(blocks);
    d.inputTokens = inputTokens;
    d.outputTokens = outputTokens;
    d.cacheReadTokens = cacheReadTokens;
    d.cacheWriteTokens = cacheWriteTokens;
    d.cacheReported = cacheReported;
    d.stopReason = stopReason;
    d.stopSequence = stopSequence;
    d.latencyMillis = latencyMillis;
    d.firstByteDelay = firstByteDelay;
    d.pause = pause;
    d.ending = ending;
    d.endingFrames = endingFrames;
    d.exceptionType = exceptionType;
    d.exceptionMessage = exceptionMessage;
    d.corruptMessageCrcFrame = corruptMessageCrcFrame;
    d.corruptPreludeCrcFrame = corruptPreludeCrcFrame;
    return d;
  }

  private static List<String> copyOf(String[] values, String what) {
    for (String v : values) {
      Objects.requireNonNull(v, what);
    }
    return List.copyOf(Arrays.asList(values));
  }

  private static String requireNonEmpty(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  private static int nonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  private static long nonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  private static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " counts from 1: " + value);
    }
    return value;
  }

  /** The mutable state a new reply is built from. */
  private static final class Draft {
    final List<Block> blocks = new ArrayList<>();
    Integer inputTokens;
    Integer outputTokens;
    int cacheReadTokens;
    int cacheWriteTokens;
    boolean cacheReported;
    String stopReason;
    String stopSequence;
    long latencyMillis = DEFAULT_LATENCY_MILLIS;
    Duration firstByteDelay = Duration.ZERO;
    Pause pause;
    Ending ending = Ending.COMPLETE;
    int endingFrames;
    String exceptionType;
    String exceptionMessage;
    int corruptMessageCrcFrame;
    int corruptPreludeCrcFrame;
  }
}
