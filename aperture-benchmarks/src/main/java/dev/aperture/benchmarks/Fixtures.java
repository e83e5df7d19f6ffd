package dev.aperture.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.ApiFormat;
import dev.aperture.bedrock.eventstream.EventStreamEncoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ImmutableApertureConfig;
import dev.aperture.config.ImmutableProviderConfig;
import dev.aperture.config.ProviderConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * The inputs every benchmark uses, generated deterministically (fixed seeds) so that runs compare:
 * OpenAI chat-completions request bodies, Bedrock Converse and Anthropic InvokeModel answers, and
 * ConverseStream event streams, each in a {@linkplain Size#TYPICAL typical} and a {@linkplain
 * Size#LARGE large} shape. Built once per size and shared; every array is treated as read-only.
 */
public final class Fixtures {
  /** The Bedrock model every benchmark asks for (priced in the bundled table, geo premium). */
  public static final String MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

  /** The Bedrock API key the benchmarks send; the stub checks it arrives as a bearer token. */
  public static final String API_KEY = "bench-bedrock-api-key";

  /** The config's cost basis. */
  public static final String COST_BASIS = "bedrock-us";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[] TOOL_NAMES = {
    "search_catalog",
    "get_order_status",
    "list_recommendations",
    "reserve_copy",
    "cancel_order",
    "get_author",
    "convert_currency",
    "open_ticket"
  };

  /** Input shapes. */
  public enum Size {
    /**
     * A short agent turn: a system prompt, three turns of chat, two tools; the answer is about a
     * thousand characters of text; the stream carries about sixty text deltas.
     */
    TYPICAL,
    /**
     * A long session: 100 messages (tool calls and results among them, three of them with a PNG
     * image), eight tools; the answer has reasoning, 8 KB of text and two tool calls; the stream
     * carries about five hundred deltas.
     */
    LARGE
  }

  private static final Fixtures TYPICAL = new Fixtures(Size.TYPICAL);
  private static final Fixtures LARGE = new Fixtures(Size.LARGE);

  /** The fixtures of {@code size}. */
  public static Fixtures of(Size size) {
    return size == Size.TYPICAL ? TYPICAL : LARGE;
  }

  private final Size size;
  private final byte[] openAiRequest;
  private final byte[] converseResponse;
  private final byte[] anthropicResponse;
  private final byte[] converseStream;
  private final int converseStreamFrames;

  private Fixtures(Size size) {
    this.size = size;
    boolean large = size == Size.LARGE;
    this.openAiRequest = json(openAiRequest(new Words(1), large));
    this.converseResponse = json(converseResponse(new Words(2), large));
    this.anthropicResponse = json(anthropicResponse(new Words(3), large));
    StreamBuilder stream = new StreamBuilder(new Words(4));
    converseStream(stream, large);
    this.converseStream = stream.bytes();
    this.converseStreamFrames = stream.frames;
  }

  public Size size() {
    return size;
  }

  /** An OpenAI chat-completions request body for {@link #MODEL} (UTF-8 JSON). */
  public byte[] openAiRequest() {
    return openAiRequest;
  }

  /** A Bedrock Converse answer body (UTF-8 JSON). */
  public byte[] converseResponse() {
    return converseResponse;
  }

  /** A Bedrock InvokeModel answer of an Anthropic model (UTF-8 JSON). */
  public byte[] anthropicResponse() {
    return anthropicResponse;
  }

  /** A whole ConverseStream answer: event-stream frames, as Bedrock sends them. */
  public byte[] converseStream() {
    return converseStream;
  }

  /** How many frames {@link #converseStream()} holds. */
  public int converseStreamFrames() {
    return converseStreamFrames;
  }

  /**
   * A configuration with one Bedrock provider ({@code bedrock-bench}) at {@code baseUrl} that
   * serves {@link #MODEL} through Converse and prices it with {@link #COST_BASIS}.
   */
  public static ApertureConfig singleProvider(String baseUrl) {
    return ApertureConfig.builder()
        .putProvider(
            "bedrock-bench",
            ProviderConfig.builder()
                .id("bedrock-bench")
                .baseUrl(baseUrl)
                .apiKey(API_KEY)
                .addModels(MODEL)
                .addCompatibility(ApiFormat.BEDROCK_CONVERSE)
                .costBasis(COST_BASIS)
                .build())
        .build();
  }

  /**
   * A configuration of {@code providers} Bedrock providers with {@code modelsEach} models each;
   * provider {@code i} serves {@code us.anthropic.bench-model-<i>-<j>-v1:0} and also the models of
   * provider {@code i - 1}, so that most ids have two candidates ordered by preference. Nothing is
   * sent anywhere: for routing only.
   */
  public static ApertureConfig manyProviders(int providers, int modelsEach) {
    ImmutableApertureConfig.Builder config = ApertureConfig.builder();
    for (int i = 0; i < providers; i++) {
      ImmutableProviderConfig.Builder p =
          ProviderConfig.builder()
              .id("bedrock-" + i)
              .baseUrl("https://bedrock-runtime.us-east-1.amazonaws.com")
              .apiKey("key-" + i)
              .addCompatibility(ApiFormat.BEDROCK_CONVERSE)
              .costBasis(COST_BASIS)
              .preference(i % 3);
      for (int j = 0; j < modelsEach; j++) {
        p.addModel(routedModel(i, j));
        if (i > 0) {
          p.addModel(routedModel(i - 1, j));
        }
      }
      config.putProvider("bedrock-" + i, p.build());
    }
    return config.build();
  }

  /** The {@code j}th model of provider {@code i} in {@link #manyProviders}. */
  public static String routedModel(int i, int j) {
    return "us.anthropic.bench-model-" + i + "-" + j + "-v1:0";
  }

  // ---- OpenAI request ----

  private static ObjectNode openAiRequest(Words w, boolean large) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", MODEL);
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", w.paragraph(large ? 160 : 90));
    if (!large) {
      messages.addObject().put("role", "user").put("content", w.paragraph(45));
      messages.addObject().put("role", "assistant").put("content", w.paragraph(80));
      messages.addObject().put("role", "user").put("content", w.paragraph(30));
    } else {
      // 99 more: user / assistant pairs, every fifth assistant turn a tool call and its result,
      // three user turns carrying an image; the last one is a user turn.
      int call = 0;
      int images = 0;
      int userTurns = 0;
      while (messages.size() < 100) {
        int left = 100 - messages.size();
        boolean withImage = images < 3 && userTurns++ % 12 == 0;
        ObjectNode user = messages.addObject().put("role", "user");
        if (withImage) {
          images++;
          ArrayNode parts = user.putArray("content");
          parts.addObject().put("type", "text").put("text", w.paragraph(25));
          parts
              .addObject()
              .put("type", "image_url")
              .putObject("image_url")
              .put("url", "data:image/png;base64," + pngBase64(images, 24 * 1024));
        } else {
          user.put("content", w.paragraph(20 + w.next(40)));
        }
        if (left == 1) {
          break;
        }
        if (left >= 4 && userTurns % 5 == 0) {
          String id = "call_" + (++call) + "abc";
          ObjectNode assistant = messages.addObject().put("role", "assistant");
          assistant.putNull("content");
          ObjectNode fn =
              assistant
                  .putArray("tool_calls")
                  .addObject()
                  .put("id", id)
                  .put("type", "function")
                  .putObject("function");
          fn.put("name", "search_catalog");
          fn.put(
              "arguments",
              "{\"query\":\"" + w.words(4) + "\",\"limit\":" + (5 + call) + ",\"in_stock\":true}");
          messages
              .addObject()
              .put("role", "tool")
              .put("tool_call_id", id)
              .put("content", toolResultJson(w));
        }
        messages.addObject().put("role", "assistant").put("content", w.paragraph(40 + w.next(80)));
      }
    }
    ArrayNode tools = body.putArray("tools");
    int toolCount = large ? 8 : 2;
    for (int i = 0; i < toolCount; i++) {
      tools.add(tool(i, w));
    }
    body.put("tool_choice", "auto");
    body.put("max_tokens", large ? 4096 : 1024);
    body.put("temperature", 0.3);
    body.put("user", "bench-user-42");
    return body;
  }

  private static ObjectNode tool(int i, Words w) {
    ObjectNode tool = JSON.createObjectNode().put("type", "function");
    ObjectNode fn = tool.putObject("function");
    fn.put("name", TOOL_NAMES[i]);
    fn.put("description", w.sentence(18));
    ObjectNode schema = fn.putObject("parameters");
    schema.put("type", "object");
    ObjectNode props = schema.putObject("properties");
    props.putObject("query").put("type", "string").put("description", w.sentence(8));
    props
        .putObject("limit")
        .put("type", "integer")
        .put("minimum", 1)
        .put("maximum", 50)
        .put("description", w.sentence(6));
    props.putObject("in_stock").put("type", "boolean");
    ObjectNode sort = props.putObject("sort");
    sort.put("type", "string");
    sort.putArray("enum").add("relevance").add("price").add("date");
    schema.putArray("required").add("query");
    schema.put("additionalProperties", false);
    return tool;
  }

  private static String toolResultJson(Words w) {
    ObjectNode result = JSON.createObjectNode();
    ArrayNode items = result.putArray("items");
    for (int i = 0; i < 5; i++) {
      items
          .addObject()
          .put("isbn", "978-0-" + (100000 + w.next(899999)))
          .put("title", w.words(4))
          .put("price", 9.99 + i)
          .put("in_stock", i % 2 == 0);
    }
    return result.toString();
  }

  /** Base64 of a PNG-signed blob of {@code bytes} pseudo-random bytes (not a decodable image). */
  private static String pngBase64(int seed, int bytes) {
    byte[] data = new byte[bytes];
    new Random(seed).nextBytes(data);
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(signature, 0, data, 0, signature.length);
    return Base64.getEncoder().encodeToString(data);
  }

  // ---- answers ----

  private static ObjectNode converseResponse(Words w, boolean large) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode message = body.putObject("output").putObject("message");
    message.put("role", "assistant");
    ArrayNode content = message.putArray("content");
    if (large) {
      ObjectNode reasoning = content.addObject().putObject("reasoningContent");
      reasoning
          .putObject("reasoningText")
          .put("text", w.paragraph(300))
          .put("signature", signature(w));
    }
    content.addObject().put("text", w.paragraph(large ? 1300 : 170));
    if (large) {
      for (int i = 0; i < 2; i++) {
        ObjectNode use = content.addObject().putObject("toolUse");
        use.put("toolUseId", "tooluse_" + w.token(22));
        use.put("name", TOOL_NAMES[i]);
        use.putObject("input").put("query", w.words(5)).put("limit", 10).put("in_stock", true);
      }
    }
    body.put("stopReason", large ? "tool_use" : "end_turn");
    ObjectNode usage = body.putObject("usage");
    usage.put("inputTokens", large ? 41234 : 812);
    usage.put("outputTokens", large ? 2210 : 236);
    if (large) {
      usage.put("cacheReadInputTokens", 30000).put("cacheWriteInputTokens", 1024);
    }
    usage.put("totalTokens", large ? 74468 : 1048);
    body.putObject("metrics").put("latencyMs", large ? 18234 : 1642);
    return body;
  }

  private static ObjectNode anthropicResponse(Words w, boolean large) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "msg_bdrk_" + w.token(24));
    body.put("type", "message");
    body.put("role", "assistant");
    body.put("model", "claude-haiku-4-5-20251001");
    ArrayNode content = body.putArray("content");
    if (large) {
      content
          .addObject()
          .put("type", "thinking")
          .put("thinking", w.paragraph(300))
          .put("signature", signature(w));
    }
    content.addObject().put("type", "text").put("text", w.paragraph(large ? 1300 : 170));
    if (large) {
      for (int i = 0; i < 2; i++) {
        ObjectNode use = content.addObject().put("type", "tool_use");
        use.put("id", "toolu_bdrk_" + w.token(22));
        use.put("name", TOOL_NAMES[i]);
        use.putObject("input").put("query", w.words(5)).put("limit", 10).put("in_stock", true);
      }
    }
    body.put("stop_reason", large ? "tool_use" : "end_turn");
    body.putNull("stop_sequence");
    ObjectNode usage = body.putObject("usage");
    usage.put("input_tokens", large ? 41234 : 812);
    usage.put("cache_creation_input_tokens", large ? 1024 : 0);
    usage.put("cache_read_input_tokens", large ? 30000 : 0);
    usage.put("output_tokens", large ? 2210 : 236);
    return body;
  }

  private static String signature(Words w) {
    return "Eq" + w.token(340) + "==";
  }

  // ---- ConverseStream ----

  private static void converseStream(StreamBuilder s, boolean large) {
    Words w = s.words;
    s.event("messageStart", JSON.createObjectNode().put("role", "assistant"));
    int block = 0;
    if (large) {
      for (int i = 0; i < 120; i++) {
        ObjectNode p = JSON.createObjectNode().put("contentBlockIndex", block);
        p.putObject("delta").putObject("reasoningContent").put("text", w.fragment());
        s.event("contentBlockDelta", p);
      }
      ObjectNode sig = JSON.createObjectNode().put("contentBlockIndex", block);
      sig.putObject("delta").putObject("reasoningContent").put("signature", signature(w));
      s.event("contentBlockDelta", sig);
      s.event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", block));
      block++;
    }
    int textDeltas = large ? 360 : 60;
    for (int i = 0; i < textDeltas; i++) {
      ObjectNode p = JSON.createObjectNode().put("contentBlockIndex", block);
      p.putObject("delta").put("text", w.fragment());
      s.event("contentBlockDelta", p);
    }
    s.event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", block));
    if (large) {
      block++;
      ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", block);
      start
          .putObject("start")
          .putObject("toolUse")
          .put("toolUseId", "tooluse_" + w.token(22))
          .put("name", TOOL_NAMES[0]);
      s.event("contentBlockStart", start);
      String args = "{\"query\":\"" + w.words(12) + "\",\"limit\":10,\"in_stock\":true}";
      for (int i = 0; i < args.length(); i += 6) {
        ObjectNode p = JSON.createObjectNode().put("contentBlockIndex", block);
        p.putObject("delta")
            .putObject("toolUse")
            .put("input", args.substring(i, Math.min(args.length(), i + 6)));
        s.event("contentBlockDelta", p);
      }
      s.event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", block));
    }
    s.event(
        "messageStop", JSON.createObjectNode().put("stopReason", large ? "tool_use" : "end_turn"));
    ObjectNode metadata = JSON.createObjectNode();
    ObjectNode usage = metadata.putObject("usage");
    usage.put("inputTokens", large ? 41234 : 812);
    usage.put("outputTokens", large ? 2210 : 236);
    usage.put("totalTokens", large ? 43444 : 1048);
    metadata.putObject("metrics").put("latencyMs", large ? 18234 : 1642);
    s.event("metadata", metadata);
  }

  /** Frames of one stream, with Bedrock's random-length {@code "p"} padding field (observed). */
  private static final class StreamBuilder {
    private static final String PADDING =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    final Words words;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int frames;

    StreamBuilder(Words words) {
      this.words = words;
    }

    void event(String type, ObjectNode payload) {
      payload.put("p", PADDING.substring(0, 1 + words.next(PADDING.length() - 1)));
      EventStreamMessage m =
          EventStreamMessage.builder()
              .header(EventStreamMessage.EVENT_TYPE, type)
              .header(EventStreamMessage.CONTENT_TYPE, "application/json")
              .header(EventStreamMessage.MESSAGE_TYPE, "event")
              .payload(json(payload))
              .build();
      out.writeBytes(EventStreamEncoder.encode(m));
      frames++;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  static byte[] json(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** English-looking text from a fixed vocabulary and seed. */
  private static final class Words {
    private static final String[] VOCABULARY =
        ("the a an of to in for on with by from about order book books author edition paperback"
                + " hardcover price shipping delivery customer account store stock available"
                + " recommend similar genre novel history science fiction mystery biography"
                + " children review reviews rating page pages chapter series first second"
                + " latest published publisher copy copies return refund exchange week weeks"
                + " day days today tomorrow please thanks could would should can will may"
                + " might must need want like looking find found search result results"
                + " between under over after before during because however therefore also"
                + " only just still already never always often usually sometimes \u2014"
                + " \"quoted\" it's you're we'll don't isn't caf\u00e9 na\u00efve r\u00e9sum\u00e9")
            .split(" ");
    private final Random random;

    Words(long seed) {
      this.random = new Random(seed);
    }

    int next(int bound) {
      return random.nextInt(bound);
    }

    String words(int n) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
      }
      return sb.toString();
    }

    String sentence(int n) {
      String s = words(n);
      return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
    }

    String paragraph(int n) {
      StringBuilder sb = new StringBuilder();
      while (n > 0) {
        int len = Math.min(n, 6 + random.nextInt(12));
        if (sb.length() > 0) {
          sb.append(random.nextInt(8) == 0 ? "\n\n" : " ");
        }
        sb.append(sentence(len));
        n -= len;
      }
      return sb.toString();
    }

    /** A streaming delta: one to six words with the space that joins them to the previous. */
    String fragment() {
      return " " + words(1 + random.nextInt(6));
    }

    String token(int length) {
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      StringBuilder sb = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return sb.toString();
    }
  }
}
