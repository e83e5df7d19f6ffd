package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shaded jar as a user runs it ({@code java -jar target/aperture-gateway.jar}, the README's
 * command, on its embedded default): merged service files, bundled prices and the logging binding
 * must all have survived the shading. Runs after {@code package} (failsafe).
 */
class GatewayJarIT {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theShadedJarServesTheEmbeddedDefault() throws Exception {
    Path jar = Path.of("target", "aperture-gateway.jar");
    assertTrue(Files.isRegularFile(jar), "no " + jar.toAbsolutePath() + ": run after package");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process gateway =
        new ProcessBuilder(java, "-jar", jar.toString(), "--port", "0")
            .redirectErrorStream(true)
            .start();
    OkHttpClient client = new OkHttpClient();
    List<String> output = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
      String base = null;
      for (String line; base == null && (line = out.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith("listening on ")) {
          base = line.substring("listening on ".length()).trim();
        }
      }
      assertNotNull(base, "the gateway did not start: " + output);
      assertTrue(String.join("\n", output).contains("embedded default"), output.toString());

      String chat =
          "{\"model\":\"" + HAIKU + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
      try (Response r = post(client, base + "/v1/chat/completions", chat)) {
        String body = r.body().string();
        assertEquals(200, r.code(), body);
        assertTrue(body.contains("\"chat.completion\""), body);
        assertTrue(body.contains("\"prompt_tokens\""), body);
      }
      String messages =
          "{\"model\":\""
              + HAIKU
              + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
      try (Response r = post(client, base + "/v1/messages", messages)) {
        String body = r.body().string();
        assertEquals(200, r.code(), body);
        assertTrue(body.contains("\"type\":\"message\""), body);
      }
      try (Response r =
          client.newCall(new Request.Builder().url(base + "/api/sessions").build()).execute()) {
        String body = r.body().string();
        assertEquals(200, r.code(), body);
        // priced from the bundled price table inside the jar
        assertTrue(body.contains("bedrock-us/claude-haiku-4-5"), body);
      }
    } finally {
      gateway.destroy();
      if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
        gateway.destroyForcibly();
      }
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static Response post(OkHttpClient client, String url, String json) throws Exception {
    return client
        .newCall(new Request.Builder().url(url).post(RequestBody.create(json, JSON)).build())
        .execute();
  }
}
