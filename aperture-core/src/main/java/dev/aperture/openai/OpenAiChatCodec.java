package dev.aperture.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aperture.ApertureException;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * Translates OpenAI chat-completions JSON to and from the canonical chat model: requests in both
 * directions, responses, streamed chunks (through {@link #newChunkWriter}) and error envelopes.
 * Immutable and thread-safe; create one and share it.
 *
 * <h2>Requests</h2>
 *
 * {@link #decodeRequest} maps every field it knows and refuses the rest with an {@link
 * OpenAiRequestException} that names the field, so a client never gets an answer that silently
 * ignores part of its request. Options the canonical model cannot honour ({@code n > 1}, {@code
 * logprobs}, {@code logit_bias}, {@code seed}, structured {@code response_format}, audio, …) are
 * refused unless their value changes nothing ({@code n: 1}, {@code store: false}, …). Roles {@code
 * system} and {@code developer} both become system messages; {@code user} goes to the metadata
 * entry "user". An image's {@code detail} is validated but not kept: it is a hint to OpenAI's own
 * image tokenizer. A reasoning model's answer that is sent back with {@code reasoning_content}
 * keeps that text as reasoning (without a signature, which OpenAI's format cannot carry).
 *
 * <h2>Responses and finish reasons</h2>
 *
 * OpenAI has five finish reasons, so canonical stop reasons map onto them: {@code END_TURN}, {@code
 * STOP_SEQUENCE} and {@code PAUSE_TURN} are {@code stop}; {@code MAX_TOKENS} and {@code
 * CONTEXT_WINDOW_EXCEEDED} are {@code length}; {@code TOOL_USE} is {@code tool_calls}; {@code
 * GUARDRAIL_INTERVENED}, {@code CONTENT_FILTERED} and {@code REFUSAL} are {@code content_filter};
 * anything else is {@code stop}. Usage follows OpenAI's meaning: {@code prompt_tokens} counts all
 * input (non-cached, cache read and cache write), {@code prompt_tokens_details.cached_tokens} the
 * cache reads, {@code completion_tokens_details.reasoning_tokens} the reasoning tokens. The only
 * field outside OpenAI's schema is {@code message.reasoning_content}, written when the answer has
 * reasoning, as several OpenAI-compatible servers do.
 *
 * <h2>Errors</h2>
 *
 * The envelope is {@code {"error": {"message", "type", "param", "code"}}}. The type follows the
 * HTTP status: 400 and other 4xx (404 included, as OpenAI does for unknown models) {@code
 * invalid_request_error}, 401 {@code authentication_error}, 403 {@code permission_error}, 429
 * {@code rate_limit_error}, everything else {@code api_error}. Messages are written as given; the
 * library's exceptions never contain credentials.
 */
public final class OpenAiChatCodec {
  // Field names and values of the answer, encoded once (the shared ones are OpenAiWire's).
  private static final SerializedString F_MESSAGE = new SerializedString("message");
  private static final SerializedString F_ROLE = new SerializedString("role");
  private static final SerializedString V_ASSISTANT = new SerializedString("assistant");
  private static final SerializedString V_CHAT_COMPLETION = new SerializedString("chat.completion");

  private final Clock clock;
  private final ObjectMapper mapper;
  private final RequestDecoder decoder;
  private final RequestEncoder encoder;

  private final boolean rememberRequests;

  private OpenAiChatCodec(Clock clock, boolean rememberRequests) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rememberRequests = rememberRequests;
    JsonFactory factory =
        JsonFactory.builder()
            // a repeated key could smuggle a second value past validation; refuse it
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper =
        JsonMapper.builder(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // keep numbers in tool schemas exactly as the client wrote them
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    this.decoder = new RequestDecoder(mapper, rememberRequests);
    this.encoder = new RequestEncoder(mapper);
  }

  /**
   * A codec that stamps responses with the system clock.
   *
   * <p>Its request decoder remembers what it decoded lately — tools arrays, messages and tool
   * schemas, by their exact bytes (bounded: 32 tools arrays of up to 256 KB, 256 messages of up to
   * 16 KB, 256 schemas of up to 16 KB) — because a conversation resends its tools and its whole
   * history with every turn; a remembered part is taken as it was instead of being decoded again.
   * Every caller of one codec shares that memory, so how fast a request decodes hints whether its
   * parts went through the same codec lately. A host serving callers who must not learn about each
   * other gives each its own codec, or uses {@link #withoutRequestMemory()}.
   *
   * <p>Elsewhere the library keeps bounded, JVM-wide memories of its own: the Bedrock encoders keep
   * the encoded bytes of long strings written twice and the prepared form of tool lists, keyed by
   * object identity (so only the same objects, not the same text, find them); the session id keeps
   * the system prompt and first user message of 64 recent conversations, keyed by their text, to
   * skip hashing them again (the id is a digest of that text anyway). Each thread keeps a JSON
   * parser and generator, a request builder (for this decoder) and an answer builder (for the
   * Converse answer reader), which keep nothing of a request or answer between uses but the last
   * few model ids and stop reasons read. Jackson's field-name tables and buffer pools work as they
   * do for any Jackson parser.
   */
  public static OpenAiChatCodec create() {
    return new OpenAiChatCodec(Clock.systemUTC(), true);
  }

  /**
   * A codec that takes the {@code created} time of responses and chunks from {@code clock}; see
   * {@link #create()}.
   */
  public static OpenAiChatCodec create(Clock clock) {
    return new OpenAiChatCodec(clock, true);
  }

  /**
   * This codec's settings, with a request decoder that keeps no tools arrays, messages or schemas
   * from one request to the next: every request is decoded in full (a typical chat request takes
   * about 2.5 µs instead of 1 µs to decode), and no decoded part is found again by its bytes. (The
   * memories {@link #create()} lists outside the decoder are not affected.)
   */
  public OpenAiChatCodec withoutRequestMemory() {
    return rememberRequests ? new OpenAiChatCodec(clock, false) : this;
  }

  /**
   * Whether this codec's request decoder remembers recent requests' parts (see {@link #create()}).
   */
  public boolean remembersRequests() {
    return rememberRequests;
  }

  /**
   * Reads a request body (UTF-8 JSON). Throws {@link OpenAiRequestException} (HTTP 400) naming the
   * offending field when the body is malformed or asks for something that cannot be honoured.
   */
  public OpenAiChatRequest decodeRequest(byte[] json) {
    return decoder.decode(Objects.requireNonNull(json, "json"));
  }

  /** Reads a request body given as a string; see {@link #decodeRequest(byte[])}. */
  public OpenAiChatRequest decodeRequest(String json) {
    return decoder.decode(Objects.requireNonNull(json, "json").getBytes(StandardCharsets.UTF_8));
  }

  /** The request decoder, for tests that compare its streaming and tree paths. */
  RequestDecoder requestDecoder() {
    return decoder;
  }

  /**
   * Writes {@code request} as a request body (UTF-8 JSON), e.g. to forward it to an
   * OpenAI-compatible server. {@code includeUsage} is written only for a streaming request, the
   * only kind OpenAI accepts it on.
   *
   * <p>What the format cannot carry: cache points, reasoning signatures, redacted reasoning and the
   * error flag of tool results are left out (provider-specific hints and data that an
   * OpenAI-compatible model has no use for); reasoning text goes into {@code reasoning_content};
   * text interleaved with tool calls comes out as all the text, then the calls. Content that would
   * change the answer if left out (unknown blocks, images outside user messages, non-text tool
   * results, {@code topK}, a reasoning token budget) is refused with an {@link
   * OpenAiRequestException}. Extra fields are written as top-level fields.
   */
  public byte[] encodeRequest(ChatRequest request, boolean stream, boolean includeUsage) {
    return encoder.encode(Objects.requireNonNull(request, "request"), stream, includeUsage);
  }

  /**
   * Writes a decoded request back as a request body; see {@link #encodeRequest(ChatRequest,
   * boolean, boolean)}.
   */
  public byte[] encodeRequest(OpenAiChatRequest request) {
    return encodeRequest(request.chatRequest(), request.stream(), request.includeUsage());
  }

  /**
   * Writes {@code response} as a {@code chat.completion} object (UTF-8 JSON), with {@code created}
   * taken from this codec's clock. Text parts are joined into {@code content} (null when there is
   * none); parts OpenAI has no place for in an answer (images, documents, redacted reasoning) are
   * not written.
   */
  public byte[] encodeResponse(ChatResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      OpenAiWire.writeText(g, OpenAiWire.F_ID, response.id());
      OpenAiWire.writeField(g, OpenAiWire.F_OBJECT, V_CHAT_COMPLETION);
      g.writeFieldName(OpenAiWire.F_CREATED);
      g.writeNumber(clock.instant().getEpochSecond());
      OpenAiWire.writeText(g, OpenAiWire.F_MODEL, response.model());
      OpenAiWire.startOnlyChoice(g, F_MESSAGE);
      writeAnswer(g, response);
      g.writeEndObject();
      g.writeFieldName(OpenAiWire.F_LOGPROBS);
      g.writeNull();
      OpenAiWire.writeText(
          g, OpenAiWire.F_FINISH_REASON, OpenAiWire.finishReason(response.stopReason()));
      g.writeEndObject();
      g.writeEndArray();
      OpenAiWire.writeUsageField(g, response.usage());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeAnswer(JsonGenerator g, ChatResponse response) throws IOException {
    StringBuilder text = null;
    StringBuilder reasoning = null;
    for (ContentPart p : response.content()) {
      if (p instanceof ContentPart.Text t) {
        text = text == null ? new StringBuilder() : text;
        text.append(t.text());
      } else if (p instanceof ContentPart.Reasoning r) {
        reasoning = reasoning == null ? new StringBuilder() : reasoning;
        reasoning.append(r.text());
      }
    }
    OpenAiWire.writeField(g, F_ROLE, V_ASSISTANT);
    OpenAiWire.writeText(g, OpenAiWire.F_CONTENT, text == null ? null : text.toString());
    g.writeNullField("refusal");
    if (reasoning != null) {
      OpenAiWire.writeText(g, OpenAiWire.F_REASONING_CONTENT, reasoning.toString());
    }
    OpenAiWire.writeToolCalls(g, response.toolCalls());
  }

  /**
   * A writer that turns one stream's events into {@code chat.completion.chunk} server-sent events
   * on {@code out}. The writer does not close {@code out}.
   *
   * @param includeUsage whether to end with a usage chunk ({@code stream_options.include_usage})
   */
  public OpenAiChunkWriter newChunkWriter(OutputStream out, boolean includeUsage) {
    return new OpenAiChunkWriter(
        mapper.getFactory(), clock, Objects.requireNonNull(out, "out"), includeUsage);
  }

  /**
   * The error envelope for {@code error} (UTF-8 JSON), to send with {@link
   * ApertureException#httpStatus()}. A request error carries its own {@code param} and {@code
   * code}; a 429 without a code of its own gets {@code rate_limit_exceeded}.
   */
  public byte[] encodeError(ApertureException error) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      OpenAiWire.writeErrorEnvelope(g, error);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * An error envelope with the given fields (UTF-8 JSON), for failures that are not an {@link
   * ApertureException}, e.g. a quota answer ({@code 429}, code {@code insufficient_quota}).
   *
   * @param status the HTTP status the envelope goes out with
   * @param type OpenAI's error type; null to derive it from {@code status}
   * @param code a machine-readable code such as {@code model_not_found}, or null
   * @param message the message, written as given
   * @param param the offending request field, or null
   */
  public byte[] encodeError(int status, String type, String code, String message, String param) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      OpenAiWire.writeErrorEnvelope(
          g, message, type != null ? type : OpenAiWire.errorType(status), param, code);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
