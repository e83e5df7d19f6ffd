package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static dev.aperture.examples.gateway.GatewayFixture.OPUS_46;
import static dev.aperture.examples.gateway.GatewayFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Failure;
import dev.aperture.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {
  static final String SECRET = "sk-PROVIDER-SECRET";
  static final String REFUSED_SECRET = "sk-REFUSED-SECRET-2";
  static final String UNREACHABLE_SECRET = "sk-UNREACHABLE-SECRET-3";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;

  private final ByteArrayOutputStream processOut = new ByteArrayOutputStream();
  private final ByteArrayOutputStream processErr = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void captureTheProcessOutput() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(processOut, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(processErr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreTheProcessOutput() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  /**
   * Three providers: {@code bedrock} (Haiku) whose key the emulator accepts, {@code refused} (Opus
   * 4.6) whose key it refuses, {@code down} (Sonnet) on a port nobody listens on.
   */
  private String config(int closedPort) {
    return
"""
{"providers": {
  "bedrock": {"baseurl": "%1$s", "apikey": "%2$s", "models": ["%4$s"],
              "cost_basis": "bedrock-us", "compatibility": {"bedrock_model_invoke": true}},
  "refused": {"baseurl": "%1$s", "apikey": "%3$s", "models": ["%5$s"],
              "cost_basis": "bedrock-us", "compatibility": {"bedrock_model_invoke": true}},
  "down": {"baseurl": "http://127.0.0.1:%6$d", "apikey": "%7$s",
           "models": ["%8$s"], "cost_basis": "bedrock-us",
           "compatibility": {"bedrock_model_invoke": true}}
}}
"""
        .formatted(
            bedrock.baseUrl(),
            SECRET,
            REFUSED_SECRET,
            HAIKU,
            OPUS_46,
            closedPort,
            UNREACHABLE_SECRET,
            GatewayFixture.SONNET);
  }

  @Test
  void noProviderKeyAppearsInAnyAnswerOrLogLine() throws Exception {
    bedrock.acceptKeys(SECRET);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    List<String> seen = new ArrayList<>();
    try (GatewayFixture gateway = GatewayFixture.start(dir, config(closedPort))) {
      // the provider answers an error that quotes the key
      bedrock.failNext(
          1, Failure.of(BedrockErrorType.VALIDATION, "the key " + SECRET + " is not allowed here"));
      seen.add(call(gateway, chat(HAIKU, false), 400));
      bedrock.failNext(
          1, Failure.of(BedrockErrorType.VALIDATION, "the key " + SECRET + " is not allowed here"));
      seen.add(call(gateway, chat(HAIKU, true), 400));
      // a stream that breaks with a message quoting the key
      bedrock.enqueue(
          Reply.text("Sunny", " in Paris")
              .exceptionAfterFrames(
                  3, BedrockErrorType.MODEL_STREAM_ERROR, "stream failed for " + SECRET));
      seen.add(call(gateway, chat(HAIKU, true), 200));
      // a refused key, an unreachable provider, an unknown model, a bad request
      seen.add(call(gateway, chat(OPUS_46, false), 403));
      seen.add(call(gateway, chat(GatewayFixture.SONNET, false), 502));
      seen.add(call(gateway, chat("no-such-model", false), 404));
      seen.add(call(gateway, "{\"model\": 42}", 400));
      // the same through native passthrough: Bedrock's own error answer, relayed, and ours
      String invoke =
          "{\"anthropic_version\": \"bedrock-2023-05-31\", \"max_tokens\": 64,"
              + " \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}";
      bedrock.failNext(
          1, Failure.of(BedrockErrorType.VALIDATION, "the key " + SECRET + " is not allowed here"));
      seen.add(forward(gateway, "/bedrock/model/" + HAIKU + "/invoke", invoke, 400));
      seen.add(forward(gateway, "/bedrock/model/" + OPUS_46 + "/invoke", invoke, 403));
      seen.add(
          forward(gateway, "/bedrock/model/" + GatewayFixture.SONNET + "/invoke", invoke, 502));
      String messages =
          "{\"model\": \"%s\", \"max_tokens\": 64, \"messages\": [{\"role\": \"user\","
              + " \"content\": \"hello\"}]}";
      bedrock.failNext(
          1, Failure.of(BedrockErrorType.VALIDATION, "the key " + SECRET + " is not allowed here"));
      seen.add(forward(gateway, "/v1/messages", messages.formatted(HAIKU), 400));
      seen.add(forward(gateway, "/v1/messages", messages.formatted(OPUS_46), 403));
      try (Response r = gateway.get("/api/sessions")) {
        seen.add(r.headers() + r.body().string());
      }
      try (Response r = gateway.get("/v1/models")) {
        seen.add(r.headers() + r.body().string());
      }
      seen.add(gateway.out());
      seen.add(gateway.err());
    }
    System.out.flush();
    System.err.flush();
    seen.add(processOut.toString(StandardCharsets.UTF_8));
    seen.add(processErr.toString(StandardCharsets.UTF_8));
    assertTrue(String.join("\n", seen).contains("is not allowed here"), "the errors were seen");
    for (String secret : List.of(SECRET, REFUSED_SECRET, UNREACHABLE_SECRET)) {
      for (String s : seen) {
        assertFalse(s.contains(secret), secret + " leaked in:\n" + s);
      }
    }
  }

  private static String forward(
      GatewayFixture gateway, String path, String body, int expectedStatus) throws Exception {
    try (Response r = gateway.post(path, body, "Authorization", "Bearer the-callers-own-token")) {
      String text = r.body().string();
      assertEquals(expectedStatus, r.code(), text);
      return r.headers() + text;
    }
  }

  private static String call(GatewayFixture gateway, String body, int expectedStatus)
      throws Exception {
    try (Response r = gateway.post("/v1/chat/completions", body)) {
      String text = r.body().string();
      assertEquals(expectedStatus, r.code(), text);
      return r.headers() + text;
    }
  }
}
