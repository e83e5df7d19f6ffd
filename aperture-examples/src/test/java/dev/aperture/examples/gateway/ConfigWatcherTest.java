package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static dev.aperture.examples.gateway.GatewayFixture.OPUS_46;
import static dev.aperture.examples.gateway.GatewayFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.ReceivedRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload of the configuration file, observed over HTTP. */
class ConfigWatcherTest {
  static final String KEY_A = "bedrock-key-A-0001";
  static final String KEY_B = "bedrock-key-B-0002";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private List<String> models() {
    try (Response r = gateway.get("/v1/models")) {
      List<String> ids = new ArrayList<>();
      for (JsonNode m : GatewayJson.MAPPER.readTree(r.body().bytes()).get("data")) {
        ids.add(m.get("id").asText());
      }
      return ids;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aValidEditIsAppliedWithinTwoSeconds() {
    gateway = GatewayFixture.start(dir, GatewayFixture.config(bedrock, bedrock.apiKey()));
    assertEquals(4, models().size());
    String onlyHaiku =
        GatewayFixture.config(bedrock, bedrock.apiKey())
            .replaceAll("\"models\": \\[[^]]*]", "\"models\": [\"" + HAIKU + "\"]");
    gateway.rewriteConfig(onlyHaiku);
    assertTrue(
        // The watcher polls every 250 ms, well inside the 2 s promise; the deadline here is wider
        // so a loaded CI machine cannot make the test flaky (timing belongs to benchmarks).
        GatewayFixture.await(Duration.ofSeconds(10), () -> models().equals(List.of(HAIKU))),
        "the edit was not applied: " + models());
    assertTrue(gateway.out().contains("configuration reloaded from " + gateway.configFile));
  }

  @Test
  void anInvalidEditIsReportedWithEveryErrorAndTheRunningConfigurationStays() throws Exception {
    gateway = GatewayFixture.start(dir, GatewayFixture.config(bedrock, bedrock.apiKey()));
    // two mistakes: no models, and a cost basis that does not exist
    String broken =
        GatewayFixture.config(bedrock, bedrock.apiKey())
            .replaceAll("\"models\": \\[[^]]*]", "\"models\": []")
            .replace("\"bedrock-us\"", "\"bedrock-mars\"");
    gateway.rewriteConfig(broken);
    assertTrue(
        GatewayFixture.await(Duration.ofSeconds(10), () -> gateway.err().contains("not applied")),
        gateway.err());
    String report = gateway.err();
    assertTrue(report.contains("providers.bedrock.models"), report);
    assertTrue(report.contains("providers.bedrock.cost_basis"), report);
    assertTrue(report.contains("the running configuration stays"), report);

    assertEquals(4, models().size());
    try (Response r = gateway.post("/v1/chat/completions", chat(OPUS_46, false))) {
      assertEquals(200, r.code());
    }

    // a file that is not even JSON is kept out the same way; a later valid edit is applied
    gateway.rewriteConfig("{\"providers\": ");
    assertTrue(
        GatewayFixture.await(
            Duration.ofSeconds(10), () -> gateway.err().split("not applied", -1).length == 3),
        gateway.err());
    assertEquals(4, models().size());
    gateway.rewriteConfig(
        GatewayFixture.config(bedrock, bedrock.apiKey())
            .replaceAll("\"models\": \\[[^]]*]", "\"models\": [\"" + HAIKU + "\"]"));
    assertTrue(GatewayFixture.await(Duration.ofSeconds(10), () -> models().size() == 1));
  }

  /**
   * The set-up guide's rotation: Bedrock accepts key A; a new key B is issued (both valid); the
   * configuration file is edited from A to B while clients keep calling; once every call runs on B,
   * A is revoked. No client may see a failure at any point.
   */
  @Test
  void aCredentialRotationUnderLoadFailsNoRequest() throws Exception {
    bedrock.acceptKeys(KEY_A).revokeKeys(bedrock.apiKey());
    gateway = GatewayFixture.start(dir, GatewayFixture.config(bedrock, KEY_A));

    int threads = 8;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    // per thread: how many calls it started after the reload was seen, and completed
    AtomicLongArray afterReload = new AtomicLongArray(threads);
    AtomicBoolean reloaded = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread client =
          new Thread(
              () -> {
                int n = 0;
                while (!stop.get()) {
                  boolean startedAfterReload = reloaded.get();
                  boolean stream = (n++ % 2) == 1;
                  try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, stream))) {
                    String body = r.body().string();
                    if (r.code() != 200 || (stream && !body.contains("[DONE]"))) {
                      failures.add(r.code() + " " + body);
                    } else {
                      ok.incrementAndGet();
                    }
                  } catch (IOException e) {
                    failures.add(e.toString());
                  }
                  if (startedAfterReload) {
                    afterReload.incrementAndGet(id);
                  }
                }
              },
              "client-" + t);
      clients.add(client);
      client.start();
    }
    try {
      assertTrue(GatewayFixture.await(Duration.ofSeconds(20), () -> ok.get() >= 50), "no load");

      // B is issued; the file is edited while the clients keep calling
      bedrock.acceptKeys(KEY_B);
      gateway.rewriteConfig(GatewayFixture.config(bedrock, KEY_B));
      assertTrue(
          GatewayFixture.await(
              Duration.ofSeconds(10), () -> gateway.out().contains("configuration reloaded")),
          "the edit was not applied: " + gateway.err());
      reloaded.set(true);

      // Once every client has completed a call it started after the reload, no call on A is in
      // flight any more: revoke A, and keep calling.
      assertTrue(GatewayFixture.await(Duration.ofSeconds(20), () -> allAtLeast(afterReload, 1)));
      bedrock.revokeKeys(KEY_A);
      long okAtRevocation = ok.get();
      assertTrue(
          GatewayFixture.await(Duration.ofSeconds(20), () -> ok.get() >= okAtRevocation + 50));
    } finally {
      stop.set(true);
      for (Thread c : clients) {
        c.join();
      }
    }

    assertEquals(List.of(), List.copyOf(failures), "failed calls during the rotation");
    List<ReceivedRequest> seen = bedrock.requests();
    assertTrue(seen.stream().anyMatch(r -> r.apiKey().orElse("").equals(KEY_A)));
    assertEquals(KEY_B, seen.get(seen.size() - 1).apiKey().orElse(""));
    assertTrue(seen.stream().allMatch(r -> r.status() == 200), "the emulator refused a call");
    assertFalse(gateway.out().contains(KEY_A) || gateway.out().contains(KEY_B));
    assertFalse(gateway.err().contains(KEY_A) || gateway.err().contains(KEY_B));
  }

  private static boolean allAtLeast(AtomicLongArray counts, long min) {
    for (int i = 0; i < counts.length(); i++) {
      if (counts.get(i) < min) {
        return false;
      }
    }
    return true;
  }
}
