package dev.aperture.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.bedrock.BedrockProviderFactory;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.benchmarks.Fixtures;
import dev.aperture.openai.OpenAiChatCodec;
import dev.aperture.route.ModelRouter;
import dev.aperture.usage.UsageListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The stub and the contenders wired to it, for one payload: the raw OkHttp floor and the Aperture
 * router (from OpenAI bodies, and from a canonical request) share one OkHttp client (one connection
 * pool), the AWS SDK has its own clients. {@link #close()} releases everything.
 */
final class Testbed implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Fixtures fixtures;
  final byte[] converseBody;
  final byte[] openAiStreamRequest;
  final StubServer stub;
  final Contender raw;
  final Contender aperture;
  final Contender apertureCanonical;
  final Contender apertureNewConversation;
  final Contender sdk;
  private final OkHttpClient okhttp;
  private final ModelRouter router;

  private Testbed(Fixtures f, UsageListener usage) throws IOException {
    this.fixtures = f;
    OpenAiChatCodec codec = OpenAiChatCodec.create();
    this.converseBody =
        new ConverseCodec()
            .encodeRequest(codec.decodeRequest(f.openAiRequest()).chatRequest(), Fixtures.MODEL);
    this.openAiStreamRequest = streamed((ObjectNode) JSON.readTree(f.openAiRequest()));
    this.stub = StubServer.start(f.converseResponse(), f.converseStream());
    this.okhttp =
        new OkHttpClient.Builder()
            // room for every connection at concurrency 16; the default keeps only 5 idle
            .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
            .build();
    this.router =
        ModelRouter.builder(Fixtures.singleProvider(stub.baseUrl()))
            .addProviderFactory(BedrockProviderFactory.create())
            .httpClient(okhttp)
            .addUsageListener(usage)
            .build();
    this.raw = new RawOkHttp(okhttp, stub.baseUrl(), converseBody);
    this.aperture =
        ApertureRouter.fromOpenAi(router, codec, f.openAiRequest(), openAiStreamRequest);
    this.apertureCanonical = ApertureRouter.canonical(router, codec, f.openAiRequest());
    byte[][] conversations = new byte[NEW_CONVERSATIONS][];
    byte[][] streamedConversations = new byte[NEW_CONVERSATIONS][];
    for (int i = 0; i < NEW_CONVERSATIONS; i++) {
      ObjectNode body = conversation((ObjectNode) JSON.readTree(f.openAiRequest()), i);
      conversations[i] = JSON.writeValueAsBytes(body);
      streamedConversations[i] = streamed(body);
    }
    this.apertureNewConversation =
        ApertureRouter.newConversations(router, codec, conversations, streamedConversations);
    this.sdk = new AwsSdk(stub.baseUrl(), SdkRequests.from(converseBody));
  }

  /**
   * How many conversations the new-conversation contender cycles through: more than the OpenAI
   * decoder remembers messages (256) and the session fingerprint its starts (64), so that every
   * call meets text it has not seen lately.
   */
  static final int NEW_CONVERSATIONS = 1024;

  /**
   * {@code body} as conversation {@code n}: every message but the system prompt (which an
   * application keeps) begins with a number of its own; the tools stay. Conversation 0 is the
   * payload itself, so that the payload check compares the same bytes.
   */
  private static ObjectNode conversation(ObjectNode body, int n) {
    if (n > 0) {
      for (JsonNode m : body.withArray("messages")) {
        JsonNode content = m.get("content");
        if (!"system".equals(m.path("role").asText()) && content != null && content.isTextual()) {
          ((ObjectNode) m).put("content", "(" + n + ") " + content.asText());
        }
      }
    }
    return body;
  }

  /** The streamed request for {@code body}: {@code stream} with usage in the last chunk. */
  private static byte[] streamed(ObjectNode body) throws IOException {
    ObjectNode stream = body.deepCopy();
    stream.put("stream", true);
    stream.putObject("stream_options").put("include_usage", true);
    return JSON.writeValueAsBytes(stream);
  }

  /** A testbed for {@code fixtures}; {@code usage} receives the router's usage records. */
  static Testbed start(Fixtures fixtures, UsageListener usage) throws IOException {
    return new Testbed(fixtures, usage);
  }

  /** In the order the output lists them. */
  List<Contender> contenders() {
    return List.of(raw, aperture, apertureNewConversation, apertureCanonical, sdk);
  }

  /**
   * Makes one unary and one streamed call per contender with the stub capturing, and says for each
   * ({@code raw_okhttp/unary}, …) what differs from what it should send: the same Converse body
   * (compared as JSON) to the same path, with the bearer key. An empty list means all is well.
   */
  Map<String, List<String>> checkPayloads() throws Exception {
    JsonNode want = JSON.readTree(converseBody);
    String wantAuth = "Bearer " + Fixtures.API_KEY;
    String modelPath = "/model/" + RawOkHttp.percentEncode(Fixtures.MODEL);
    Map<String, List<String>> results = new LinkedHashMap<>();
    stub.capture(true);
    try {
      for (Contender c : contenders()) {
        for (boolean streaming : new boolean[] {false, true}) {
          if (streaming) {
            c.stream(new Contender.FirstEvent());
          } else {
            c.unary();
          }
          StubServer.Request r = stub.lastRequest();
          String path = modelPath + (streaming ? "/converse-stream" : "/converse");
          List<String> problems = new ArrayList<>();
          if (r == null) {
            problems.add("no request seen");
          } else {
            if (!path.equals(r.path())) {
              problems.add("path " + r.path());
            }
            if (!wantAuth.equals(r.authorization())) {
              String a = r.authorization();
              problems.add(
                  "authorization is not the bearer key but "
                      + (a == null ? "absent" : a.split(" ", 2)[0] + " …"));
            }
            if (!want.equals(JSON.readTree(r.body()))) {
              problems.add(
                  "body differs: " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
          }
          results.put(c.key() + (streaming ? "/stream" : "/unary"), problems);
        }
      }
    } finally {
      stub.capture(false);
    }
    return results;
  }

  @Override
  public void close() throws IOException {
    for (Contender c : contenders()) {
      c.close();
    }
    router.close();
    okhttp.dispatcher().executorService().shutdown();
    okhttp.connectionPool().evictAll();
    stub.close();
  }
}
