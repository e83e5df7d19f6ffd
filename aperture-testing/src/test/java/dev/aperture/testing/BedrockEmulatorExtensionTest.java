package dev.aperture.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import okhttp3.Response;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit 5 callbacks: who started the emulator closes it, and nobody else. */
@Timeout(30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BedrockEmulatorExtensionTest {
  @RegisterExtension static final BedrockEmulator shared = BedrockEmulator.create();
  private static String sharedUrlSeenFirst;
  private static BedrockEmulator perTestSeenFirst;

  @RegisterExtension final BedrockEmulator perTest = BedrockEmulator.create();

  @Test
  void aRegisteredEmulatorIsRunningInsideTheTest() throws Exception {
    assertTrue(perTest.isStarted());
    try (Response r = Calls.send(perTest, BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code());
    }
  }

  @Test
  void beforeEachStartsAndAfterEachClosesWhatItStarted() {
    BedrockEmulator emulator = BedrockEmulator.create();
    emulator.beforeEach(null);
    assertTrue(emulator.isStarted());
    emulator.afterEach(null);
    assertFalse(emulator.isStarted());
  }

  @Test
  void anEmulatorStartedByTheUserOutlivesEachTest() {
    try (BedrockEmulator emulator = BedrockEmulator.create().start()) {
      emulator.beforeEach(null);
      emulator.afterEach(null);
      emulator.afterAll(null);
      assertTrue(emulator.isStarted());
    }
  }

  @Test
  void aClassWideEmulatorSurvivesEachTestAndClosesAfterAll() {
    BedrockEmulator emulator = BedrockEmulator.create();
    emulator.beforeAll(null);
    String url = emulator.baseUrl();
    emulator.beforeEach(null);
    emulator.afterEach(null);
    assertTrue(emulator.isStarted());
    assertEquals(url, emulator.baseUrl());
    emulator.afterAll(null);
    assertFalse(emulator.isStarted());
  }

  @Test
  @Order(1)
  void aStaticEmulatorIsStartedBeforeAllTests() {
    assertTrue(shared.isStarted());
    sharedUrlSeenFirst = shared.baseUrl();
    perTestSeenFirst = perTest;
  }

  @Test
  @Order(2)
  void aStaticEmulatorServesTheNextTestWhileAnInstanceOneIsFresh() {
    assertEquals(sharedUrlSeenFirst, shared.baseUrl());
    assertNotSame(perTestSeenFirst, perTest);
    assertFalse(perTestSeenFirst.isStarted(), "closed after its test");
    assertTrue(perTest.isStarted());
  }
}
