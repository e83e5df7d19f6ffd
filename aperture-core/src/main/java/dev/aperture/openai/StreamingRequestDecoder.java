package dev.aperture.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import dev.aperture.internal.FastJsonFactory;
import dev.aperture.internal.KeptPerThread;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The fast path of {@link RequestDecoder}: reads a request body token by token with Jackson's
 * streaming parser and builds the canonical request directly, without a JSON tree.
 *
 * <p>It only ever <em>accepts</em>. As soon as it meets anything the tree decoder would refuse (or
 * anything it is not sure about: a number too large for its type, a JSON syntax error, a field it
 * does not know), it gives up and {@link #decode} returns null; {@link RequestDecoder} then decodes
 * the body again with the tree walker, which is the reference for what is refused and how the error
 * reads (its path, its wording, which of several problems is reported). So the error path costs a
 * second parse, and in exchange every error is exactly the one the tree walker reports. Whatever
 * this class accepts must decode to exactly what the tree walker would return; the differential
 * test {@code StreamingRequestDecoderTest} checks that.
 *
 * <p>Fields may come in any order: values that depend on each other (a message's role and its
 * content, {@code tool_choice} and {@code tools}, {@code stream} and {@code stream_options}) are
 * collected first and checked when their object ends. No error message or path is built here.
 * Thread-safe: its caches of recent values are shared and bounded, and each thread keeps a request
 * builder of its own ({@link #KEPT_BUILDER}).
 */
final class StreamingRequestDecoder {
  /** Thrown to give up; never escapes {@link #decode}. Shared, without a stack trace. */
  private static final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Decline() {
      super(null, null, false, false);
    }
  }

  private static final Decline DECLINE = new Decline();

  // which fields a message object had (JSON null included): the allowed set depends on the role
  private static final int M_ROLE = 1;
  private static final int M_CONTENT = 1 << 1;
  private static final int M_NAME = 1 << 2;
  private static final int M_TOOL_CALLS = 1 << 3;
  private static final int M_REASONING = 1 << 4;
  private static final int M_REFUSAL = 1 << 5;
  private static final int M_AUDIO = 1 << 6;
  private static final int M_FUNCTION_CALL = 1 << 7;
  private static final int M_ANNOTATIONS = 1 << 8;
  private static final int M_TOOL_CALL_ID = 1 << 9;
  private static final int SYSTEM_OR_USER_FIELDS = M_ROLE | M_CONTENT | M_NAME;
  private static final int ASSISTANT_FIELDS =
      M_ROLE
          | M_CONTENT
          | M_NAME
          | M_TOOL_CALLS
          | M_REASONING
          | M_REFUSAL
          | M_AUDIO
          | M_FUNCTION_CALL
          | M_ANNOTATIONS;
  private static final int TOOL_MESSAGE_FIELDS = M_ROLE | M_CONTENT | M_TOOL_CALL_ID;

  // the same for content parts, whose type may come after the field it selects
  private static final int P_TYPE = 1;
  private static final int P_TEXT = 1 << 1;
  private static final int P_IMAGE_URL = 1 << 2;
  private static final int P_FILE = 1 << 3;

  private static final int ROLE_SYSTEM = 1;
  private static final int ROLE_USER = 2;
  private static final int ROLE_ASSISTANT = 3;
  private static final int ROLE_TOOL = 4;

  private static final int PART_TEXT = 1;
  private static final int PART_IMAGE = 2;
  private static final int PART_FILE = 3;

  /** Above this many tools, duplicate names are found with a set rather than a scan. */
  private static final int LINEAR_NAME_CHECK_LIMIT = 16;

  private final FastJsonFactory factory;

  /** Compacted tool schemas: 256 of up to 16 KB. */
  private final BytesCache<String> schemas = new BytesCache<>(256, 16 * 1024);

  /**
   * Recently decoded {@code tools} arrays and messages by their exact bytes: a conversation sends
   * its tools and its whole history with every turn, so all but the newest parts were decoded the
   * turn before. A value whose bytes stand again is taken as it was, and the parser jumps to its
   * end. The cost is keeping recent prompt text in memory: 32 tool arrays of up to 256 KB and 256
   * messages of up to 16 KB, a few MB at most with the decoded values.
   */
  private final RecentValues<List<Tool>> recentTools = new RecentValues<>(32, 256 * 1024, ']');

  /**
   * A request's first two messages are kept the second time their bytes are seen, the others at
   * once: a conversation's history comes back every turn, but an application whose every request is
   * a new single-turn prompt would otherwise copy each prompt into the cache to meet it never
   * again. (Tools, the same for every request of an application, are kept at once.)
   */
  private final RecentValues<Message> recentMessages = new RecentValues<>(256, 16 * 1024, '}');

  /** Whether the caches above are used; without them every request is decoded in full. */
  private final boolean remember;

  StreamingRequestDecoder(JsonFactory factory) {
    this(factory, true);
  }

  StreamingRequestDecoder(JsonFactory factory, boolean remember) {
    this.factory = new FastJsonFactory(factory);
    // Jackson's duplicate detection keeps a HashSet per object of three fields or more; every
    // object here is read by code that notices a repeated field itself, for much less
    this.factory.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.remember = remember;
  }

  /**
   * Each thread's request builder, so that a decode does not make a builder and its seven empty
   * collections (about 0.5 KB) only to copy them into the request. Taken out of the slot while a
   * decode uses it (a decode inside it would make its own), cleared when put back, so that it keeps
   * no request's values, and put back only after a request was built from it whose lists and maps
   * have at most {@link #MAX_KEPT_ELEMENTS} elements each (they keep their capacity). A decode that
   * declines drops it.
   */
  private static final KeptPerThread<ImmutableChatRequest.Builder> KEPT_BUILDER =
      new KeptPerThread<>(ChatRequest::builder);

  static final int MAX_KEPT_ELEMENTS = 256;

  /** The builder this thread keeps, or null (tests). */
  static ImmutableChatRequest.Builder keptBuilder() {
    return KEPT_BUILDER.kept();
  }

  private static void giveBack(Object[] slot, ImmutableChatRequest.Builder b, ChatRequest built) {
    if (built.messages().size() <= MAX_KEPT_ELEMENTS
        && built.tools().size() <= MAX_KEPT_ELEMENTS
        && built.stopSequences().size() <= MAX_KEPT_ELEMENTS
        && built.metadata().size() <= MAX_KEPT_ELEMENTS
        && built.extraFields().size() <= MAX_KEPT_ELEMENTS) {
      KEPT_BUILDER.giveBack(slot, b.clear());
    }
  }

  /** The decoded request, or null when the tree decoder has to decide (or refuse). */
  OpenAiChatRequest decode(byte[] json) {
    Call call = new Call(json);
    JsonParser p = null;
    try {
      p = factory.borrowParser(json, 0, json.length);
      return call.body(p);
    } catch (IOException | RuntimeException e) {
      // JSON syntax, numbers out of range, anything refused: the tree decoder says what is wrong
      return null;
    } finally {
      FastJsonFactory.giveBack(p);
    }
  }

  /**
   * One decode: holds the buffer that compacts schemas and tool-call arguments, if any, and the
   * field names of the objects being copied, to notice repeats.
   */
  private final class Call {
    private final byte[] input;
    private StringBuilder text;
    private FieldNames names;

    Call(byte[] input) {
      this.input = input;
    }

    /**
     * The compact text of the {@code parameters} schema the parser is on (its START_OBJECT). A
     * client sends the same tools with every turn: when these exact bytes were compacted before,
     * they are skipped and the earlier text is reused; else they are compacted from their own
     * parser and remembered. Without request memory they are compacted as they are read.
     */
    private String schema(JsonParser p) throws IOException {
      if (!remember) {
        return compact(p, true); // nothing to look up by its bytes: compact it in this one pass
      }
      long start = p.currentTokenLocation().getByteOffset();
      p.skipChildren();
      long end = p.currentLocation().getByteOffset();
      if (start < 0
          || end > input.length
          || end - start < 2
          || input[(int) start] != '{'
          || input[(int) end - 1] != '}') {
        throw DECLINE; // offsets not as expected: the tree decoder decides
      }
      int from = (int) start;
      int to = (int) end;
      int hash = BytesCache.hash(input, from, to);
      String cached = schemas.get(input, from, to, hash);
      if (cached != null) {
        return cached;
      }
      String compacted;
      try (JsonParser q = factory.createParser(input, from, to - from)) {
        q.nextToken();
        compacted = compact(q, true);
        if (q.nextToken() != null) {
          throw DECLINE;
        }
      }
      schemas.put(input, from, to, hash, compacted);
      return compacted;
    }

    OpenAiChatRequest body(JsonParser p) throws IOException {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      String model = null;
      // the messages go straight into the builder: no list of them to copy
      Object[] slot = KEPT_BUILDER.slot();
      ImmutableChatRequest.Builder r = KEPT_BUILDER.borrow(slot);
      boolean hasMessages = false;
      List<Tool> tools = null;
      int toolChoiceKind = -1; // a ToolChoice.Kind ordinal
      String toolChoiceName = null;
      int parallel = -1; // -1 absent, 0 false, 1 true
      int maxTokens = -1;
      int maxCompletionTokens = -1;
      double temperature = Double.NaN;
      double topP = Double.NaN;
      List<String> stop = null;
      String effort = null;
      Map<String, String> metadata = null;
      String user = null;
      boolean stream = false;
      boolean hasStreamOptions = false;
      boolean includeUsage = false;

      long seen = 0;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        long bit = topLevelField(name);
        if (bit == 0 || (seen & bit) != 0) {
          throw DECLINE; // not a field at all, or a repeated one
        }
        seen |= bit;
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
          continue; // OpenAI treats null as absent, and so does the tree decoder
        }
        switch (name) {
          case "model":
            if (t != JsonToken.VALUE_STRING) {
              throw DECLINE;
            }
            model = FastJsonFactory.identifier(p); // the same few ids, request after request
            break;
          case "messages":
            messages(p, t, r);
            hasMessages = true;
            break;
          case "tools":
            tools = tools(p, t);
            break;
          case "tool_choice":
            if (t == JsonToken.VALUE_STRING) {
              toolChoiceKind = toolChoiceKind(p);
            } else {
              toolChoiceName = namedToolChoice(p, t);
              toolChoiceKind = ToolChoice.Kind.TOOL.ordinal();
            }
            break;
          case "parallel_tool_calls":
            parallel = bool(t) ? 1 : 0;
            break;
          case "max_tokens":
            maxTokens = positiveInt(p, t);
            break;
          case "max_completion_tokens":
            maxCompletionTokens = positiveInt(p, t);
            break;
          case "temperature":
            temperature = numberBetween(p, t, 0, 2);
            break;
          case "top_p":
            topP = numberBetween(p, t, 0, 1);
            break;
          case "stop":
            stop = stopSequences(p, t);
            break;
          case "stream":
            stream = bool(t);
            break;
          case "stream_options":
            hasStreamOptions = true;
            includeUsage = streamOptions(p, t);
            break;
          case "user":
            user = string(p, t);
            break;
          case "reasoning_effort":
            effort = reasoningEffort(p, t);
            break;
          case "metadata":
            metadata = metadata(p, t);
            break;
          case "n":
            requireIntEqualTo(p, t, 1);
            break;
          case "logprobs":
          case "store":
            if (t != JsonToken.VALUE_FALSE) {
              throw DECLINE;
            }
            break;
          case "top_logprobs":
            requireIntEqualTo(p, t, 0);
            break;
          case "logit_bias":
            requireEmpty(p, t, JsonToken.START_OBJECT, JsonToken.END_OBJECT);
            break;
          case "response_format":
            textResponseFormat(p, t);
            break;
          case "modalities":
            textModality(p, t);
            break;
          case "service_tier":
            if (t != JsonToken.VALUE_STRING || !(textIs(p, "auto") || textIs(p, "default"))) {
              throw DECLINE;
            }
            break;
          case "frequency_penalty":
          case "presence_penalty":
            if (!t.isNumeric() || numberAsDouble(p, t) != 0) {
              throw DECLINE;
            }
            break;
          default:
            // audio, prediction, seed, functions and function_call are refused unless null;
            // anything else is not a field at all
            throw DECLINE;
        }
      }
      if (p.nextToken() != null) {
        throw DECLINE; // trailing content
      }

      if (model == null || model.isBlank() || !hasMessages) {
        throw DECLINE;
      }
      if (tools == null) {
        tools = List.of();
      }
      r.inboundFormat(ApiFormat.OPENAI_CHAT).model(model).tools(tools);
      if (toolChoiceKind >= 0) {
        r.toolChoice(toolChoice(toolChoiceKind, toolChoiceName, tools));
      }
      if (parallel >= 0) {
        r.parallelToolCalls(parallel == 1);
      }
      // max_completion_tokens replaced max_tokens; when a client sends both, the newer one counts
      if (maxCompletionTokens > 0) {
        r.maxTokens(maxCompletionTokens);
      } else if (maxTokens > 0) {
        r.maxTokens(maxTokens);
      }
      if (!Double.isNaN(temperature)) {
        r.temperature(temperature);
      }
      if (!Double.isNaN(topP)) {
        r.topP(topP);
      }
      if (stop != null) {
        r.stopSequences(stop);
      }
      if (effort != null) {
        r.reasoningEffort(effort);
      }
      if (metadata != null) {
        if (user != null && metadata.containsKey("user")) {
          throw DECLINE;
        }
        r.metadata(metadata);
      }
      if (user != null) {
        r.putMetadata("user", user); // after the others, as the tree decoder orders them
      }
      if (hasStreamOptions && !stream) {
        throw DECLINE;
      }
      ChatRequest built = r.build();
      giveBack(slot, r, built);
      return new OpenAiChatRequest(built, stream, includeUsage);
    }

    // --- messages ---

    /** Adds the messages of the array the parser is on to {@code r}; declines none. */
    private void messages(JsonParser p, JsonToken t, ImmutableChatRequest.Builder r)
        throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw DECLINE;
      }
      int n = 0;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        r.addMessages(knownOrNewMessage(p, t, n));
        n++;
      }
      if (n == 0) {
        throw DECLINE;
      }
    }

    /**
     * The message the parser is on, from {@link #recentMessages} when its bytes were seen. The
     * first two messages of a request (a system prompt and a prompt, all a single-turn request has)
     * are kept on their second sight; a later one belongs to a conversation that goes on, and comes
     * back with its next turn, so it is kept at once.
     */
    private Message knownOrNewMessage(JsonParser p, JsonToken t, int index) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        return message(p, t);
      }
      return known(p, recentMessages, Call::message, index >= 2);
    }

    /**
     * Decodes, for a call, the value the parser is on (its START token); the parser ends on its END
     * token. The call is an argument, so that a reader is one object for all calls.
     */
    private interface ValueReader<V> {
      V read(Call call, JsonParser p, JsonToken t) throws IOException;
    }

    /**
     * The array or object the parser is on (its START token): when its bytes are those of a value
     * in {@code recent}, that value, and the parser jumps to its end; else read by {@code reader}
     * and remembered. Either way the parser ends on the value's END token.
     */
    private <V> V known(
        JsonParser p, RecentValues<V> recent, ValueReader<V> reader, boolean keepAtOnce)
        throws IOException {
      JsonToken t = p.currentToken();
      if (!remember) {
        return reader.read(this, p, t);
      }
      long start = p.currentTokenLocation().getByteOffset();
      if (start < 0 || start >= input.length || input[(int) start] != recent.open) {
        throw DECLINE; // offsets not as expected: the tree decoder decides
      }
      int from = (int) start;
      int hash = recent.hash(input, from);
      RecentValues.Entry<V> seen = recent.find(input, from, hash);
      if (seen != null) {
        int close = from + seen.raw().length - 1;
        if (!(p instanceof FastJsonFactory.Parser)
            || !((FastJsonFactory.Parser) p).jumpToClose(close)) {
          p.skipChildren();
          return seen.value();
        }
        if (p.nextToken()
            != (t == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT)) {
          throw DECLINE; // cannot happen for a whole value that matched; the tree decoder decides
        }
        return seen.value();
      }
      V value = reader.read(this, p, t);
      long end = p.currentLocation().getByteOffset();
      if (end > from + 1 && end <= input.length && input[(int) end - 1] == recent.close) {
        recent.remember(input, from, (int) end, hash, value, keepAtOnce);
      }
      return value;
    }

    private Message message(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      int fields = 0;
      int role = 0;
      List<ContentPart> content = null;
      boolean contentIsText = true;
      List<ContentPart> toolCalls = null;
      String reasoning = null;
      String toolCallId = null;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        t = p.nextToken();
        boolean isNull = t == JsonToken.VALUE_NULL;
        int field;
        switch (name) {
          case "role":
            field = M_ROLE;
            role = role(p, t);
            break;
          case "content":
            field = M_CONTENT;
            if (!isNull) {
              if (t == JsonToken.VALUE_STRING) {
                content = List.of(new ContentPart.Text(FastJsonFactory.text(p)));
              } else {
                content = parts(p, t);
                contentIsText = allText(content);
              }
            }
            break;
          case "name":
            // refused for every role unless null (and not a field of tool messages at all)
            field = M_NAME;
            requireNull(t);
            break;
          case "tool_calls":
            field = M_TOOL_CALLS;
            if (!isNull) {
              toolCalls = toolCalls(p, t);
            }
            break;
          case "reasoning_content":
            field = M_REASONING;
            if (!isNull) {
              reasoning = string(p, t);
            }
            break;
          case "refusal":
            field = M_REFUSAL;
            requireNull(t);
            break;
          case "audio":
            field = M_AUDIO;
            requireNull(t);
            break;
          case "function_call":
            field = M_FUNCTION_CALL;
            requireNull(t);
            break;
          case "annotations":
            field = M_ANNOTATIONS;
            if (!isNull) {
              requireEmpty(p, t, JsonToken.START_ARRAY, JsonToken.END_ARRAY);
            }
            break;
          case "tool_call_id":
            field = M_TOOL_CALL_ID;
            if (!isNull) {
              toolCallId = string(p, t);
            }
            break;
          default:
            throw DECLINE;
        }
        fields = once(fields, field);
      }

      switch (role) {
        case ROLE_SYSTEM:
          requireOnly(fields, SYSTEM_OR_USER_FIELDS);
          if (content == null || !contentIsText) {
            throw DECLINE;
          }
          return new Message(Role.SYSTEM, content);
        case ROLE_USER:
          requireOnly(fields, SYSTEM_OR_USER_FIELDS);
          if (content == null || content.isEmpty()) {
            throw DECLINE;
          }
          return new Message(Role.USER, content);
        case ROLE_ASSISTANT:
          requireOnly(fields, ASSISTANT_FIELDS);
          if (!contentIsText) {
            throw DECLINE;
          }
          List<ContentPart> parts =
              new ArrayList<>(
                  1
                      + (content == null ? 0 : content.size())
                      + (toolCalls == null ? 0 : toolCalls.size()));
          if (reasoning != null && !reasoning.isEmpty()) {
            // reasoning sent back through OpenAI's format has lost its signature, if it had one
            parts.add(new ContentPart.Reasoning(reasoning, null));
          }
          if (content != null) {
            parts.addAll(content);
          }
          if (toolCalls != null) {
            parts.addAll(toolCalls);
          }
          return new Message(Role.ASSISTANT, parts);
        case ROLE_TOOL:
          requireOnly(fields, TOOL_MESSAGE_FIELDS);
          if (content == null || !contentIsText || toolCallId == null || toolCallId.isEmpty()) {
            throw DECLINE;
          }
          return new Message(
              Role.TOOL, List.of(new ContentPart.ToolResult(toolCallId, content, false)));
        default:
          throw DECLINE; // no role, or one that is refused
      }
    }

    private int role(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.VALUE_STRING) {
        throw DECLINE;
      }
      if (textIs(p, "user")) {
        return ROLE_USER;
      }
      if (textIs(p, "assistant")) {
        return ROLE_ASSISTANT;
      }
      if (textIs(p, "system") || textIs(p, "developer")) {
        return ROLE_SYSTEM;
      }
      if (textIs(p, "tool")) {
        return ROLE_TOOL;
      }
      throw DECLINE;
    }

    /**
     * An array of text, image and file parts; which of them a role allows, and whether it may be
     * empty (only user content may not), is checked with the role.
     */
    private List<ContentPart> parts(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw DECLINE;
      }
      List<ContentPart> parts = new ArrayList<>(4);
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        parts.add(part(p, t));
      }
      return parts;
    }

    private ContentPart part(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      int fields = 0;
      int type = 0;
      String text = null;
      ContentPart value = null;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        t = p.nextToken();
        switch (name) {
          case "type":
            fields = once(fields, P_TYPE);
            type = partType(p, t);
            break;
          case "text":
            fields = once(fields, P_TEXT);
            text = string(p, t);
            break;
          case "image_url":
            fields = once(fields, P_IMAGE_URL);
            value = image(p, t);
            break;
          case "file":
            fields = once(fields, P_FILE);
            value = file(p, t);
            break;
          default:
            throw DECLINE;
        }
      }
      switch (type) {
        case PART_TEXT:
          requireExactly(fields, P_TYPE | P_TEXT);
          return new ContentPart.Text(text);
        case PART_IMAGE:
          requireExactly(fields, P_TYPE | P_IMAGE_URL);
          return value;
        case PART_FILE:
          requireExactly(fields, P_TYPE | P_FILE);
          return value;
        default:
          throw DECLINE;
      }
    }

    private int partType(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.VALUE_STRING) {
        throw DECLINE;
      }
      if (textIs(p, "text")) {
        return PART_TEXT;
      }
      if (textIs(p, "image_url")) {
        return PART_IMAGE;
      }
      if (textIs(p, "file")) {
        return PART_FILE;
      }
      throw DECLINE;
    }

    /** The value of {@code image_url}: a URL string, or an object with {@code url}. */
    private ContentPart.Image image(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_STRING) {
        return imageFromUrl(p);
      }
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      ContentPart.Image image = null;
      int seen = 0;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        t = p.nextToken();
        switch (name) {
          case "url":
            seen = once(seen, 1);
            if (t != JsonToken.VALUE_STRING) {
              throw DECLINE;
            }
            image = imageFromUrl(p);
            break;
          case "detail":
            seen = once(seen, 2);
            // validated, not kept: a hint for OpenAI's own image tokenizer
            if (t != JsonToken.VALUE_NULL
                && !(t == JsonToken.VALUE_STRING
                    && (textIs(p, "auto") || textIs(p, "low") || textIs(p, "high")))) {
              throw DECLINE;
            }
            break;
          default:
            throw DECLINE;
        }
      }
      if (image == null) {
        throw DECLINE;
      }
      return image;
    }

    /** The value of {@code file}: inline data, as a data URL or bare base64. */
    private ContentPart.Document file(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      String fileData = null; // bare base64
      DataUrl dataUrl = null;
      String name = RequestDecoder.DEFAULT_DOCUMENT_NAME;
      int seen = 0;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        t = p.nextToken();
        switch (field) {
          case "file_data":
            seen = once(seen, 1);
            if (t != JsonToken.VALUE_STRING) {
              throw DECLINE;
            }
            char[] chars = p.getTextCharacters();
            int off = p.getTextOffset();
            int len = p.getTextLength();
            if (DataUrl.isDataUrl(chars, off, len)) {
              dataUrl = DataUrl.parse(chars, off, len);
            } else {
              fileData = p.getText();
            }
            break;
          case "filename":
            seen = once(seen, 2);
            if (t != JsonToken.VALUE_NULL) {
              name = string(p, t);
            }
            break;
          case "file_id":
            seen = once(seen, 4);
            requireNull(t); // uploaded file ids are refused
            break;
          default:
            throw DECLINE;
        }
      }
      if (dataUrl != null) {
        String format = OpenAiWire.documentFormat(dataUrl.mediaType());
        if (format == null) {
          throw DECLINE;
        }
        return new ContentPart.Document(format, name, dataUrl.base64Data());
      }
      if (fileData == null) {
        throw DECLINE;
      }
      int dot = name.lastIndexOf('.');
      String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
      if (OpenAiWire.documentMediaType(extension) == null || fileData.isEmpty()) {
        throw DECLINE;
      }
      return new ContentPart.Document(extension, name, fileData);
    }

    private List<ContentPart> toolCalls(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw DECLINE;
      }
      List<ContentPart> calls = new ArrayList<>(2);
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        calls.add(toolCall(p, t));
      }
      return calls;
    }

    private ContentPart.ToolCall toolCall(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      String id = null;
      String name = null;
      String arguments = null;
      boolean hasFunction = false;
      int seen = 0;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        t = p.nextToken();
        switch (field) {
          case "id":
            seen = once(seen, 1);
            id = string(p, t);
            break;
          case "type":
            seen = once(seen, 2);
            if (t != JsonToken.VALUE_NULL
                && !(t == JsonToken.VALUE_STRING && textIs(p, "function"))) {
              throw DECLINE;
            }
            break;
          case "function":
            seen = once(seen, 4);
            if (t != JsonToken.START_OBJECT) {
              throw DECLINE;
            }
            hasFunction = true;
            int fnSeen = 0;
            for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
              t = p.nextToken();
              if (f.equals("name")) {
                fnSeen = once(fnSeen, 1);
                name = string(p, t);
              } else if (f.equals("arguments")) {
                fnSeen = once(fnSeen, 2);
                arguments = arguments(p, t);
              } else {
                throw DECLINE;
              }
            }
            break;
          default:
            throw DECLINE;
        }
      }
      if (id == null || id.isEmpty() || !hasFunction || name == null || name.isEmpty()) {
        throw DECLINE;
      }
      return new ContentPart.ToolCall(id, name, arguments == null ? "{}" : arguments);
    }

    /**
     * The arguments as JSON object text: a string holding a JSON object is kept as written, an
     * object is compacted, a missing, null or blank one is {@code {}}.
     */
    private String arguments(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NULL) {
        return "{}";
      }
      if (t == JsonToken.START_OBJECT) {
        return compact(p, false);
      }
      if (t != JsonToken.VALUE_STRING) {
        throw DECLINE;
      }
      String text = FastJsonFactory.text(p);
      if (text.isBlank()) {
        return "{}";
      }
      requireJsonObject(text);
      return text;
    }

    /**
     * Checks that {@code text} is exactly one JSON object, reading it as the tree decoder does:
     * same parser features, every string decoded and every number converted (a float to {@code
     * BigDecimal}), since each of these can fail on its own; repeated fields are noticed here, as
     * for the body, rather than by the parser.
     */
    private void requireJsonObject(String text) throws IOException {
      if (names == null) {
        names = new FieldNames();
      }
      FieldNames names = this.names;
      try (JsonParser q = factory.createParser(text)) {
        if (q.nextToken() != JsonToken.START_OBJECT) {
          throw DECLINE;
        }
        names.startObject(0);
        int depth = 1;
        while (depth > 0) {
          JsonToken t = q.nextToken();
          if (t == null) {
            throw DECLINE;
          }
          switch (t) {
            case START_OBJECT:
              names.startObject(depth);
              depth++;
              break;
            case START_ARRAY:
              depth++;
              break;
            case END_OBJECT:
              depth--;
              names.endObject(depth);
              break;
            case END_ARRAY:
              depth--;
              break;
            case FIELD_NAME:
              if (!names.add(depth - 1, q.currentName())) {
                throw DECLINE; // a repeated field
              }
              break;
            case VALUE_STRING:
              q.getTextLength();
              break;
            case VALUE_NUMBER_INT:
              q.getNumberValue();
              break;
            case VALUE_NUMBER_FLOAT:
              q.getDecimalValue();
              break;
            default:
              break;
          }
        }
        if (q.nextToken() != null) {
          throw DECLINE;
        }
      }
    }

    // --- tools ---

    /** The {@code tools} array, from {@link #recentTools} when its bytes were seen. */
    private List<Tool> tools(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw DECLINE;
      }
      return known(p, recentTools, (call, q, u) -> List.copyOf(call.toolArray(q, u)), true);
    }

    private List<Tool> toolArray(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw DECLINE;
      }
      List<Tool> tools = new ArrayList<>();
      Set<String> names = null;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        Tool tool = tool(p, t);
        int n = tools.size();
        if (n < LINEAR_NAME_CHECK_LIMIT) {
          for (int i = 0; i < n; i++) {
            if (tools.get(i).name().equals(tool.name())) {
              throw DECLINE;
            }
          }
        } else {
          if (names == null) {
            names = new HashSet<>();
            for (Tool earlier : tools) {
              names.add(earlier.name());
            }
          }
          if (!names.add(tool.name())) {
            throw DECLINE;
          }
        }
        tools.add(tool);
      }
      return tools;
    }

    private Tool tool(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      boolean isFunction = false;
      boolean hasFunction = false;
      String name = null;
      String description = "";
      String schema = null;
      int seen = 0;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        t = p.nextToken();
        if (field.equals("type")) {
          seen = once(seen, 1);
          if (t != JsonToken.VALUE_STRING || !textIs(p, "function")) {
            throw DECLINE;
          }
          isFunction = true;
        } else if (field.equals("function")) {
          seen = once(seen, 2);
          if (t != JsonToken.START_OBJECT) {
            throw DECLINE;
          }
          hasFunction = true;
          int fnSeen = 0;
          for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            t = p.nextToken();
            switch (f) {
              case "name":
                fnSeen = once(fnSeen, 1);
                name = string(p, t);
                break;
              case "description":
                fnSeen = once(fnSeen, 2);
                if (t != JsonToken.VALUE_NULL) {
                  description = string(p, t);
                }
                break;
              case "parameters":
                fnSeen = once(fnSeen, 4);
                if (t != JsonToken.VALUE_NULL) {
                  if (t != JsonToken.START_OBJECT) {
                    throw DECLINE;
                  }
                  schema = schema(p);
                }
                break;
              case "strict":
                fnSeen = once(fnSeen, 8);
                if (t != JsonToken.VALUE_NULL && t != JsonToken.VALUE_FALSE) {
                  throw DECLINE;
                }
                break;
              default:
                throw DECLINE;
            }
          }
        } else {
          throw DECLINE;
        }
      }
      if (!isFunction || !hasFunction || name == null || !isToolName(name)) {
        throw DECLINE;
      }
      return new Tool(name, description, schema);
    }

    private int toolChoiceKind(JsonParser p) throws IOException {
      if (textIs(p, "auto")) {
        return ToolChoice.Kind.AUTO.ordinal();
      }
      if (textIs(p, "none")) {
        return ToolChoice.Kind.NONE.ordinal();
      }
      if (textIs(p, "required")) {
        return ToolChoice.Kind.ANY.ordinal();
      }
      throw DECLINE;
    }

    /** {@code {"type": "function", "function": {"name": ...}}}: the name. */
    private String namedToolChoice(JsonParser p, JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw DECLINE;
      }
      boolean isFunction = false;
      String name = null;
      int seen = 0;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        t = p.nextToken();
        if (field.equals("type")) {
          seen = once(seen, 1);
          if (t != JsonToken.VALUE_STRING || !textIs(p, "function")) {
            throw DECLINE;
          }
          isFunction = true;
        } else if (field.equals("function")) {
          seen = once(seen, 2);
          if (t != JsonToken.START_OBJECT) {
            throw DECLINE;
          }
          for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
            t = p.nextToken();
            if (!f.equals("name") || name != null) {
              throw DECLINE; // another field, or name twice
            }
            name = string(p, t);
          }
        } else {
          throw DECLINE;
        }
      }
      if (!isFunction || name == null) {
        throw DECLINE;
      }
      return name;
    }

    private ToolChoice toolChoice(int kind, String name, List<Tool> tools) {
      if (kind == ToolChoice.Kind.AUTO.ordinal()) {
        return ToolChoice.AUTO;
      }
      if (kind == ToolChoice.Kind.NONE.ordinal()) {
        return ToolChoice.NONE;
      }
      if (kind == ToolChoice.Kind.ANY.ordinal()) {
        if (tools.isEmpty()) {
          throw DECLINE;
        }
        return ToolChoice.ANY;
      }
      for (int i = 0; i < tools.size(); i++) {
        if (tools.get(i).name().equals(name)) {
          return ToolChoice.tool(name);
        }
      }
      throw DECLINE;
    }

    // --- raw JSON text ---

    /**
     * Writes the object or array at the current token as compact JSON text and returns it, leaving
     * the parser on its closing token. The text is what the tree decoder's {@code
     * writeValueAsString} of the same subtree produced: no whitespace; strings escaped as Jackson's
     * generator escapes them by default (quote and backslash, control characters as short escapes
     * such as {@code \n} or as six-character unicode escapes, everything else as is); integers in
     * the smallest type that holds them; other numbers as {@code BigDecimal.toString()}, trailing
     * zeros kept. With {@code schema}, a top-level {@code type} must be the string {@code object}.
     */
    private String compact(JsonParser p, boolean schema) throws IOException {
      StringBuilder out = text;
      if (out == null) {
        out = text = new StringBuilder(512);
        names = new FieldNames();
      } else {
        out.setLength(0);
      }
      FieldNames names = this.names;
      int depth = 0;
      boolean afterValue = false; // the next sibling needs a comma
      JsonToken t = p.currentToken();
      while (true) {
        if (afterValue && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          out.append(',');
        }
        afterValue = true;
        switch (t) {
          case START_OBJECT:
            out.append('{');
            names.startObject(depth);
            depth++;
            afterValue = false;
            break;
          case START_ARRAY:
            out.append('[');
            depth++;
            afterValue = false;
            break;
          case END_OBJECT:
            out.append('}');
            depth--;
            names.endObject(depth);
            break;
          case END_ARRAY:
            out.append(']');
            depth--;
            break;
          case FIELD_NAME:
            String name = p.currentName();
            if (!names.add(depth - 1, name)) {
              throw DECLINE; // a repeated field
            }
            appendQuoted(out, name);
            out.append(':');
            afterValue = false;
            if (schema && depth == 1 && name.equals("type")) {
              if (p.nextToken() != JsonToken.VALUE_STRING || !textIs(p, "object")) {
                throw DECLINE; // the parameters schema must have type object
              }
              out.append("\"object\"");
              afterValue = true;
            }
            break;
          case VALUE_STRING:
            appendQuoted(out, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            break;
          case VALUE_NUMBER_INT:
            switch (p.getNumberType()) {
              case INT:
                out.append(p.getIntValue());
                break;
              case LONG:
                out.append(p.getLongValue());
                break;
              default:
                out.append(p.getBigIntegerValue().toString());
                break;
            }
            break;
          case VALUE_NUMBER_FLOAT:
            out.append(p.getDecimalValue().toString());
            break;
          case VALUE_TRUE:
            out.append("true");
            break;
          case VALUE_FALSE:
            out.append("false");
            break;
          case VALUE_NULL:
            out.append("null");
            break;
          default:
            throw DECLINE;
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
      }
      return out.toString();
    }
  }

  // --- scalars ---

  /** A bit of its own for each top-level field, to notice repeats; 0 for unknown fields. */
  private static long topLevelField(String name) {
    switch (name) {
      case "model":
        return 1L;
      case "messages":
        return 1L << 1;
      case "tools":
        return 1L << 2;
      case "tool_choice":
        return 1L << 3;
      case "parallel_tool_calls":
        return 1L << 4;
      case "max_tokens":
        return 1L << 5;
      case "max_completion_tokens":
        return 1L << 6;
      case "temperature":
        return 1L << 7;
      case "top_p":
        return 1L << 8;
      case "stop":
        return 1L << 9;
      case "stream":
        return 1L << 10;
      case "stream_options":
        return 1L << 11;
      case "user":
        return 1L << 12;
      case "reasoning_effort":
        return 1L << 13;
      case "metadata":
        return 1L << 14;
      case "n":
        return 1L << 15;
      case "logprobs":
        return 1L << 16;
      case "top_logprobs":
        return 1L << 17;
      case "logit_bias":
        return 1L << 18;
      case "response_format":
        return 1L << 19;
      case "audio":
        return 1L << 20;
      case "modalities":
        return 1L << 21;
      case "prediction":
        return 1L << 22;
      case "seed":
        return 1L << 23;
      case "store":
        return 1L << 24;
      case "service_tier":
        return 1L << 25;
      case "frequency_penalty":
        return 1L << 26;
      case "presence_penalty":
        return 1L << 27;
      case "functions":
        return 1L << 28;
      case "function_call":
        return 1L << 29;
      default:
        return 0;
    }
  }

  /** {@code seen} plus {@code bit}; declines when the field was already seen in this object. */
  private static int once(int seen, int bit) {
    if ((seen & bit) != 0) {
      throw DECLINE;
    }
    return seen | bit;
  }

  private static String string(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw DECLINE;
    }
    return FastJsonFactory.text(p);
  }

  private static boolean bool(JsonToken t) {
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw DECLINE;
  }

  private static void requireNull(JsonToken t) {
    if (t != JsonToken.VALUE_NULL) {
      throw DECLINE;
    }
  }

  private static void requireOnly(int fields, int allowed) {
    if ((fields & ~allowed) != 0) {
      throw DECLINE;
    }
  }

  private static void requireExactly(int fields, int expected) {
    if (fields != expected) {
      throw DECLINE;
    }
  }

  /** An empty object or array: {@code {}} or {@code []}. */
  private static void requireEmpty(JsonParser p, JsonToken t, JsonToken start, JsonToken end)
      throws IOException {
    if (t != start || p.nextToken() != end) {
      throw DECLINE;
    }
  }

  /** An integer that fits an int and is at least 1. */
  private static int positiveInt(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw DECLINE;
    }
    int n = p.getIntValue();
    if (n < 1) {
      throw DECLINE;
    }
    return n;
  }

  private static void requireIntEqualTo(JsonParser p, JsonToken t, int expected)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() != JsonParser.NumberType.INT
        || p.getIntValue() != expected) {
      throw DECLINE;
    }
  }

  /**
   * A number as the tree decoder sees it: integers converted from their exact value, other numbers
   * through {@code BigDecimal} (the tree keeps them as {@code BigDecimal}).
   */
  private static double numberAsDouble(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      switch (p.getNumberType()) {
        case INT:
          return p.getIntValue();
        case LONG:
          return p.getLongValue();
        default:
          return p.getBigIntegerValue().doubleValue();
      }
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = shortDecimal(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      return Double.isNaN(d) ? p.getDecimalValue().doubleValue() : d;
    }
    throw DECLINE;
  }

  /**
   * The value of a short plain decimal ({@code -?digits.digits}, under 2^52 without its point, at
   * most 22 fraction digits) as {@code new BigDecimal(text).doubleValue()} computes it (the digits
   * over a power of ten, both exact doubles, so one correctly rounded division; and no negative
   * zero), without making the BigDecimal; NaN for any other number, which the caller leaves to it.
   */
  static double shortDecimal(char[] text, int offset, int length) {
    int i = offset;
    int end = offset + length;
    boolean negative = i < end && text[i] == '-';
    if (negative) {
      i++;
    }
    long digits = 0;
    int scale = -1; // fraction digits, once the point is seen
    int count = 0;
    for (; i < end; i++) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        if (++count > 16) {
          return Double.NaN; // might reach 2^52
        }
        digits = digits * 10 + (c - '0');
        if (scale >= 0) {
          scale++;
        }
      } else if (c == '.' && scale < 0) {
        scale = 0;
      } else {
        return Double.NaN; // an exponent, or anything unexpected
      }
    }
    if (scale <= 0 || scale >= POWERS_OF_TEN.length || digits >= 1L << 52) {
      return Double.NaN;
    }
    double d = digits / POWERS_OF_TEN[scale];
    return negative && digits != 0 ? -d : d;
  }

  /** The powers of ten that are exact doubles: 10^0 to 10^22. */
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  private static double numberBetween(JsonParser p, JsonToken t, double min, double max)
      throws IOException {
    double d = numberAsDouble(p, t);
    if (!(d >= min && d <= max)) {
      throw DECLINE;
    }
    return d;
  }

  private static List<String> stopSequences(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return List.of(p.getText());
    }
    if (t != JsonToken.START_ARRAY) {
      throw DECLINE;
    }
    List<String> stops = new ArrayList<>(4);
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      stops.add(string(p, t));
    }
    return stops;
  }

  private static String reasoningEffort(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw DECLINE;
    }
    if (textIs(p, "low")) {
      return "low";
    }
    if (textIs(p, "medium")) {
      return "medium";
    }
    if (textIs(p, "high")) {
      return "high";
    }
    if (textIs(p, "minimal")) {
      return "minimal";
    }
    throw DECLINE;
  }

  private static Map<String, String> metadata(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw DECLINE;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      if (metadata.put(key, string(p, p.nextToken())) != null) {
        throw DECLINE; // a repeated key
      }
    }
    return metadata;
  }

  /** {@code stream_options}: whether it asks for usage. */
  private static boolean streamOptions(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw DECLINE;
    }
    boolean includeUsage = false;
    int seen = 0;
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      t = p.nextToken();
      if (name.equals("include_usage")) {
        seen = once(seen, 1);
        includeUsage = t != JsonToken.VALUE_NULL && bool(t);
      } else if (name.equals("include_obfuscation")) {
        seen = once(seen, 2);
        if (t != JsonToken.VALUE_NULL) {
          bool(t);
        }
      } else {
        throw DECLINE;
      }
    }
    return includeUsage;
  }

  /** {@code response_format}: only exactly {@code {"type": "text"}} changes nothing. */
  private static void textResponseFormat(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw DECLINE;
    }
    boolean text = false;
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      t = p.nextToken();
      if (text || !name.equals("type") || t != JsonToken.VALUE_STRING || !textIs(p, "text")) {
        throw DECLINE;
      }
      text = true;
    }
    if (!text) {
      throw DECLINE;
    }
  }

  /** {@code modalities}: only {@code ["text"]} changes nothing. */
  private static void textModality(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_ARRAY
        || p.nextToken() != JsonToken.VALUE_STRING
        || !textIs(p, "text")
        || p.nextToken() != JsonToken.END_ARRAY) {
      throw DECLINE;
    }
  }

  private static boolean allText(List<ContentPart> parts) {
    for (int i = 0; i < parts.size(); i++) {
      if (!(parts.get(i) instanceof ContentPart.Text)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The image at a URL string token. A data URL is read from the parser's buffer, so that only its
   * base64 data becomes a String (an inline image is often most of the body).
   */
  private static ContentPart.Image imageFromUrl(JsonParser p) throws IOException {
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    if (DataUrl.isDataUrl(chars, off, len)) {
      DataUrl data = DataUrl.parse(chars, off, len);
      if (!data.mediaType().startsWith("image/")) {
        throw DECLINE;
      }
      return ContentPart.Image.ofBase64(data.mediaType(), data.base64Data());
    }
    String url = p.getText();
    if (startsWithIgnoreCase(url, "https://") || startsWithIgnoreCase(url, "http://")) {
      return ContentPart.Image.ofUrl(url);
    }
    throw DECLINE;
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** OpenAI's rule for function names, which Bedrock shares: {@code [a-zA-Z0-9_-]{1,64}}. */
  static boolean isToolName(String name) {
    int n = name.length();
    if (n < 1 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Whether the current string token is {@code s}, without making a String of it. */
  private static boolean textIs(JsonParser p, String s) throws IOException {
    int len = p.getTextLength();
    if (len != s.length()) {
      return false;
    }
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    for (int i = 0; i < len; i++) {
      if (chars[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static void appendQuoted(StringBuilder out, String s) {
    out.append('"');
    int n = s.length();
    int run = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        out.append(s, run, i);
        appendEscape(out, c);
        run = i + 1;
      }
    }
    out.append(s, run, n).append('"');
  }

  private static void appendQuoted(StringBuilder out, char[] chars, int off, int len) {
    out.append('"');
    int end = off + len;
    int run = off;
    for (int i = off; i < end; i++) {
      char c = chars[i];
      if (c < 0x20 || c == '"' || c == '\\') {
        out.append(chars, run, i - run);
        appendEscape(out, c);
        run = i + 1;
      }
    }
    out.append(chars, run, end - run).append('"');
  }

  /** The escape Jackson's generator writes by default for a character it must escape. */
  private static void appendEscape(StringBuilder out, char c) {
    out.append('\\');
    switch (c) {
      case '"':
      case '\\':
        out.append(c);
        break;
      case '\b':
        out.append('b');
        break;
      case '\t':
        out.append('t');
        break;
      case '\n':
        out.append('n');
        break;
      case '\f':
        out.append('f');
        break;
      case '\r':
        out.append('r');
        break;
      default:
        out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
        break;
    }
  }

  /**
   * Decoded arrays or objects by their exact bytes, direct-mapped by a hash of their first bytes;
   * shared by all threads (entries are immutable, a lost update is only a miss).
   */
  static final class RecentValues<V> {
    /** How many leading bytes pick the slot at most: into the content, past the common start. */
    private static final int HASHED_BYTES = 128;

    record Entry<V>(byte[] raw, V value) {}

    final byte open;
    final byte close;
    private final AtomicReferenceArray<Entry<V>> entries;
    private final int maxBytes;

    /**
     * For values kept on their second sight, a hash of the whole bytes of the value last seen once
     * in each slot (never 0). Racy: a lost or mistaken mark only keeps a value later or sooner, and
     * what is kept is always the value decoded from the bytes it is kept under.
     */
    private final int[] seenOnce;

    RecentValues(int slots, int maxBytes, char close) {
      if (Integer.bitCount(slots) != 1) {
        throw new IllegalArgumentException("slots must be a power of two");
      }
      this.entries = new AtomicReferenceArray<>(slots);
      this.maxBytes = maxBytes;
      this.close = (byte) close;
      this.open = (byte) (close == ']' ? '[' : '{');
      this.seenOnce = new int[slots];
    }

    /**
     * A hash of the value's first bytes, up to {@link #HASHED_BYTES} or its first closing bracket
     * of its own kind, whichever comes first: a window that never reaches past a whole value
     * standing at {@code from}, so the same value hashes alike whatever follows it.
     */
    int hash(byte[] b, int from) {
      int limit = Math.min(b.length, from + HASHED_BYTES);
      int end = limit;
      for (int i = from + 1; i < limit; i++) {
        if (b[i] == close) {
          end = i + 1;
          break;
        }
      }
      return BytesCache.hash(b, from, end);
    }

    /**
     * The entry whose bytes stand in {@code b} from {@code from}, or null. Each entry is one whole,
     * valid value: if its bytes are there, that is where the value in {@code b} ends.
     */
    Entry<V> find(byte[] b, int from, int hash) {
      Entry<V> e = entries.get(hash & (entries.length() - 1));
      if (e == null) {
        return null;
      }
      int to = from + e.raw.length;
      return to <= b.length
              && b[to - 1] == close
              && Arrays.equals(e.raw, 0, e.raw.length, b, from, to)
          ? e
          : null;
    }

    void remember(byte[] b, int from, int to, int hash, V value, boolean keepAtOnce) {
      if (to - from > maxBytes) {
        return;
      }
      int slot = hash & (entries.length() - 1);
      if (!keepAtOnce) {
        int whole = BytesCache.hash(b, from, to) | 1;
        if (seenOnce[slot] != whole) {
          seenOnce[slot] = whole; // the first sight: marked, not copied
          return;
        }
      }
      entries.set(slot, new Entry<>(Arrays.copyOfRange(b, from, to), value));
    }
  }

  /**
   * Values decoded from exact byte sequences (compacted tool schemas, whole tool lists):
   * direct-mapped and lock-free, at most {@code slots} entries of up to {@code maxBytes} bytes each
   * (a colliding entry replaces the older).
   */
  static final class BytesCache<V> {
    private record Entry<V>(byte[] raw, int hash, V value) {}

    private final int slots;
    private final int maxBytes;
    private final AtomicReferenceArray<Entry<V>> entries;

    BytesCache(int slots, int maxBytes) {
      if (Integer.bitCount(slots) != 1) {
        throw new IllegalArgumentException("slots must be a power of two");
      }
      this.slots = slots;
      this.maxBytes = maxBytes;
      this.entries = new AtomicReferenceArray<>(slots);
    }

    /** The value cached for {@code b[from, to)}, whose {@link #hash} is {@code h}; or null. */
    V get(byte[] b, int from, int to, int h) {
      if (to - from > maxBytes) {
        return null;
      }
      Entry<V> e = entries.get(h & (slots - 1));
      return e != null && e.hash == h && Arrays.equals(e.raw, 0, e.raw.length, b, from, to)
          ? e.value
          : null;
    }

    void put(byte[] b, int from, int to, int h, V value) {
      if (to - from <= maxBytes) {
        entries.set(h & (slots - 1), new Entry<>(Arrays.copyOfRange(b, from, to), h, value));
      }
    }

    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Eight bytes a step: this runs over every schema of every request. */
    static int hash(byte[] b, int from, int to) {
      long h = to - from;
      int i = from;
      for (; i + 8 <= to; i += 8) {
        h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
      }
      for (; i < to; i++) {
        h = (h ^ b[i]) * 0x9E3779B97F4A7C15L;
      }
      h ^= h >>> 32;
      return (int) (h ^ (h >>> 16));
    }
  }

  /**
   * The field names of the objects being copied, to notice a repeated field as the parser's own
   * duplicate detection (turned off for speed) would. The names of the open objects are kept as a
   * stack, each object's names after those of the object it is in; an object's names are scanned
   * while it has few, and put in a set beyond that, so a huge object costs no more than it did.
   */
  private static final class FieldNames {
    private static final int SCAN_LIMIT = 8;

    private String[] names = new String[16];
    private int size;
    private int[] starts = new int[8];
    private final List<Set<String>> sets = new ArrayList<>();

    /** An object starts at {@code depth} (arrays count as a depth too). */
    void startObject(int depth) {
      if (depth >= starts.length) {
        starts = Arrays.copyOf(starts, Math.max(depth + 1, starts.length * 2));
      }
      starts[depth] = size;
      if (depth < sets.size()) {
        sets.set(depth, null);
      }
    }

    /** The object at {@code depth} ends: its names are forgotten. */
    void endObject(int depth) {
      size = starts[depth];
      if (depth < sets.size()) {
        sets.set(depth, null);
      }
    }

    /** Adds {@code name} to the object at {@code depth}; false if it is already there. */
    boolean add(int depth, String name) {
      Set<String> set = depth < sets.size() ? sets.get(depth) : null;
      if (set != null) {
        return set.add(name);
      }
      int start = starts[depth];
      for (int i = start; i < size; i++) {
        if (names[i].equals(name)) {
          return false;
        }
      }
      if (size - start >= SCAN_LIMIT) {
        set = new HashSet<>(Arrays.asList(names).subList(start, size));
        set.add(name);
        while (sets.size() <= depth) {
          sets.add(null);
        }
        sets.set(depth, set);
        return true;
      }
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
      }
      names[size++] = name;
      return true;
    }
  }
}
