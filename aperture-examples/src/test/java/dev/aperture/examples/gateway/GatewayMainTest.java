package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayMainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final GatewayConsole console =
      new GatewayConsole(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutAConfigTheEmbeddedEmulatorAnswersTheSetUpGuidesCurl() throws Exception {
    GatewayMain.Launch launch = GatewayMain.launch(new String[] {"--port", "0"}, console);
    assertNotNull(launch.gateway(), err());
    try (Gateway gateway = launch.gateway()) {
      String[] lines = out().split("\n");
      assertTrue(
          lines[0].matches(
              "embedded default: Bedrock emulator at http://127\\.0\\.0\\.1:\\d+ \\(no AWS account"
                  + " needed\\)"),
          lines[0]);
      assertEquals("listening on " + gateway.baseUrl(), lines[1]);
      Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(lines[1]);
      assertTrue(m.matches());
      assertEquals(gateway.port(), Integer.parseInt(m.group(1)));

      OkHttpClient client = new OkHttpClient();
      Request curl =
          new Request.Builder()
              .url(gateway.baseUrl() + "/v1/chat/completions")
              .post(
                  RequestBody.create(
                      "{\"model\": \"us.anthropic.claude-haiku-4-5-20251001-v1:0\", \"messages\":"
                          + " [{\"role\": \"user\", \"content\": \"hello\"}]}",
                      GatewayFixture.JSON))
              .build();
      try (Response r = client.newCall(curl).execute()) {
        assertEquals(200, r.code());
        JsonNode body = GatewayJson.MAPPER.readTree(r.body().bytes());
        assertEquals(HAIKU, body.get("model").asText());
        assertTrue(
            body.at("/choices/0/message/content").asText().startsWith("Hello! This answer comes"));
        assertEquals(14, body.at("/usage/prompt_tokens").asInt());
        assertEquals(52, body.at("/usage/completion_tokens").asInt());
      }
      // the console shows the route, the translation, the tokens and the cost
      assertTrue(
          out()
              .contains(
                  "openai_chat -> bedrock/"
                      + HAIKU
                      + " via bedrock_model_invoke: 200, 14 in + 52 out tokens, $"),
          out());
      assertTrue(out().contains("(bedrock-us/claude-haiku-4-5)"), out());
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Test
  void badArgumentsPrintTheUsageAndExitWith2() {
    GatewayMain.Launch launch = GatewayMain.launch(new String[] {"--prot", "9"}, console);
    assertNull(launch.gateway());
    assertEquals(2, launch.exitCode());
    assertTrue(err().startsWith("aperture-gateway: unknown argument: --prot\nusage: "), err());
    assertEquals("", out());
  }

  @Test
  void helpPrintsTheUsageAndExitsWith0() {
    GatewayMain.Launch launch = GatewayMain.launch(new String[] {"--help"}, console);
    assertNull(launch.gateway());
    assertEquals(0, launch.exitCode());
    assertTrue(out().startsWith("usage: java -jar aperture-gateway.jar"), out());
    assertTrue(out().contains("--identity-header"), out());
  }

  @Test
  void anInvalidConfigExitsWith1ListingEveryError() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        """
        {"providers": {"bedrock": {"baseurl": "ftp://nope", "apikey": "sk-PROVIDER-SECRET",
                                   "models": [], "cost_basis": "bedrock-mars",
                                   "compatibility": {"bedrock_model_invoke": true}}}}
        """);
    GatewayMain.Launch launch =
        GatewayMain.launch(new String[] {"--config", file.toString(), "--port", "0"}, console);
    assertNull(launch.gateway());
    assertEquals(1, launch.exitCode());
    String report = err();
    assertTrue(report.startsWith("aperture-gateway: invalid configuration " + file), report);
    assertTrue(report.contains("providers.bedrock.baseurl"), report);
    assertTrue(report.contains("providers.bedrock.models"), report);
    assertTrue(report.contains("providers.bedrock.cost_basis"), report);
    assertFalse(report.contains("sk-PROVIDER-SECRET"), report);
    assertEquals("", out());
  }

  @Test
  void aMissingConfigFileExitsWith1() {
    GatewayMain.Launch launch =
        GatewayMain.launch(
            new String[] {"--config", dir.resolve("absent.json").toString()}, console);
    assertEquals(1, launch.exitCode());
    assertTrue(err().contains("cannot read"), err());
  }

  @Test
  void aPortInUseExitsWith1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      GatewayMain.Launch launch =
          GatewayMain.launch(
              new String[] {"--port", Integer.toString(taken.getLocalPort())}, console);
      assertNull(launch.gateway());
      assertEquals(1, launch.exitCode());
      assertTrue(err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), err());
    }
  }
}
