package dev.aperture.examples.gateway;

import dev.aperture.route.ModelRouterBuilder;
import dev.aperture.testing.BedrockEmulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A gateway on a free port, serving a configuration file that points at a {@link BedrockEmulator},
 * with its console captured and an OkHttp client to call it.
 */
final class GatewayFixture implements AutoCloseable {
  static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  static final String SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
  static final String OPUS_45 = "us.anthropic.claude-opus-4-5-20251101-v1:0";
  static final String OPUS_46 = "us.anthropic.claude-opus-4-6-v1";
  static final MediaType JSON = MediaType.get("application/json");

  final Path configFile;
  final Gateway gateway;
  final OkHttpClient client;
  private final ByteArrayOutputStream out;
  private final ByteArrayOutputStream err;

  private GatewayFixture(
      Path configFile, Gateway gateway, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    this.configFile = configFile;
    this.gateway = gateway;
    this.out = out;
    this.err = err;
    this.client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(20)).build();
  }

  /** A gateway on {@code configJson} (written to a file in {@code dir}). */
  static GatewayFixture start(Path dir, String configJson) {
    return start(dir, configJson, o -> o, b -> {});
  }

  static GatewayFixture start(
      Path dir,
      String configJson,
      java.util.function.UnaryOperator<GatewayOptions> options,
      Consumer<ModelRouterBuilder> routerSetup) {
    return start(
        dir,
        configJson,
        options,
        routerSetup,
        Gateway.MAX_THREADS,
        Gateway.MAX_WAITING,
        Gateway.MAX_WAIT);
  }

  /**
   * A gateway serving {@code maxThreads} requests at once, with {@code maxWaiting} waiting for at
   * most {@code maxWait}.
   */
  static GatewayFixture start(
      Path dir,
      String configJson,
      java.util.function.UnaryOperator<GatewayOptions> options,
      Consumer<ModelRouterBuilder> routerSetup,
      int maxThreads,
      int maxWaiting,
      Duration maxWait) {
    Path file = dir.resolve("aperture.json");
    write(file, configJson);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    GatewayConsole console =
        new GatewayConsole(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      Gateway gateway =
          Gateway.start(
              options.apply(GatewayOptions.defaults().withPort(0).withConfig(file)),
              console,
              routerSetup,
              maxThreads,
              maxWaiting,
              maxWait);
      return new GatewayFixture(file, gateway, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A configuration with provider {@code bedrock} as in the set-up guide (the four Claude models,
   * {@code cost_basis: bedrock-us}), both Bedrock formats, pointing at {@code bedrock} with {@code
   * key}.
   */
  static String config(BedrockEmulator bedrock, String key) {
    return config(bedrock, key, "\"bedrock_model_invoke\": true, \"bedrock_converse\": true", "");
  }

  /**
   * As {@link #config(BedrockEmulator, String)} with the given compatibility flags, plus {@code
   * rest} (more top-level members, starting with a comma, or empty).
   */
  static String config(BedrockEmulator bedrock, String key, String compatibility, String rest) {
    return """
           {
             "providers": {
               "bedrock": {
                 "baseurl": "%s",
                 "apikey": "%s",
                 "authorization": "bearer",
                 "models": ["%s", "%s", "%s", "%s"],
                 "cost_basis": "bedrock-us",
                 "compatibility": {%s}
               }
             }%s
           }
           """
        .formatted(bedrock.baseUrl(), key, HAIKU, SONNET, OPUS_45, OPUS_46, compatibility, rest);
  }

  /** Replaces the configuration file the way an editor saving atomically does. */
  void rewriteConfig(String json) {
    write(configFile, json);
  }

  private static void write(Path file, String content) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), "aperture", ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String path) {
    return gateway.baseUrl() + path;
  }

  Response post(String path, String json, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.newCall(b.build()).execute();
  }

  Response get(String path, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url(path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.newCall(b.build()).execute();
  }

  /** An OpenAI chat-completions body asking {@code model} to answer "hello". */
  static String chat(String model, boolean stream) {
    return """
           {"model": "%s", "stream": %s, "messages": [{"role": "user", "content": "hello"}]}
           """
        .formatted(model, stream);
  }

  /** What the gateway printed on stdout so far. */
  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** What the gateway printed on stderr so far. */
  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /**
   * Waits until {@code condition} holds, checking it again and again, for at most {@code timeout}.
   *
   * @return whether it held in time
   */
  static boolean await(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      // poll again shortly: the condition decides, this only keeps the loop from spinning hot
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return true;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    gateway.close();
  }
}
