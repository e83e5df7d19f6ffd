package dev.aperture.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionFingerprintTest {

  /** The definition: SHA-256 of the UTF-8 seed, first 16 bytes in hex. */
  private static String expected(String seed) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
    return "fp-" + HexFormat.of().formatHex(d, 0, 16);
  }

  private static ChatRequest request(List<Message> messages) {
    return ChatRequest.builder().model("m").messages(messages).build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "hello",
        "héllo wörld",
        "日本語のテキスト",
        "emoji 😀 and more 🎉",
        "lone high \uD83D surrogate",
        "lone low \uDE00 surrogate",
        "ends with high \uD83D"
      })
  void fingerprintIsSha256OfUtf8(String text) throws Exception {
    assertEquals(expected(text), SessionFingerprint.fingerprint(text));
  }

  @Test
  void longTextsCrossTheBufferBoundary() throws Exception {
    String text = "añ😀".repeat(2_000); // multi-byte sequences straddle the 1 KiB buffer edges
    assertEquals(expected(text), SessionFingerprint.fingerprint(text));
    // a surrogate pair split across the 1,024-character chunks the text is encoded in
    for (String odd : new String[] {"x", "xy", "xyz"}) {
      String pairs = odd + "😀".repeat(1_500) + "\uD83D";
      assertEquals(expected(pairs), SessionFingerprint.fingerprint(pairs), odd);
    }
  }

  /**
   * The text is encoded straight into the 4 KiB buffer: runs of every length class before and after
   * one-, two-, three- and four-byte chars and lone surrogates, so that each kind of sequence meets
   * the buffer's edge, give the digest of {@code getBytes(UTF_8)}.
   */
  @Test
  void everyKindOfCharAroundTheBufferEdge() throws Exception {
    String[] others = {
      "",
      "é",
      "😀",
      "\uD83D",
      "\uDE00",
      "\uD83D\uD83D",
      "日",
      "\u07FF\u0800",
      "\uD840\uDC0B",
      "\uDBFF\uDFFF"
    };
    int[] lengths = {
      0, 1, 7, 1023, 1024, 2048, 4089, 4090, 4091, 4092, 4093, 4094, 4095, 4096, 4097, 5000
    };
    for (int n : lengths) {
      String ascii = "abcdefghij".repeat(n / 10 + 1).substring(0, n);
      for (String other : others) {
        for (String text : new String[] {ascii + other, ascii + other + ascii, other + ascii}) {
          assertEquals(expected(text), SessionFingerprint.fingerprint(text), n + " " + other);
        }
      }
    }
    java.util.Random random = new java.util.Random(42);
    for (int k = 0; k < 2_000; k++) {
      StringBuilder b = new StringBuilder();
      for (int run = random.nextInt(6); run >= 0; run--) {
        int len = random.nextInt(random.nextBoolean() ? 40 : 3_000);
        for (int i = 0; i < len; i++) {
          b.append((char) (' ' + random.nextInt(95)));
        }
        b.append(others[random.nextInt(others.length)]);
      }
      String text = b.toString();
      assertEquals(expected(text), SessionFingerprint.fingerprint(text), "case " + k);
    }
  }

  @Test
  void sessionIdHashesSystemPromptsAndTheFirstUserMessage() throws Exception {
    ChatRequest r =
        request(
            List.of(
                Message.system("be brief"),
                Message.user("first ü"),
                Message.assistant("ok"),
                Message.system("and kind"),
                Message.user("second")));
    assertEquals(
        expected("system:be brief\nsystem:and kind\nuser:first ü"),
        SessionFingerprint.sessionId(r));
  }

  @Test
  void laterTurnsKeepTheSameId() {
    ChatRequest first = request(List.of(Message.system("s"), Message.user("hi")));
    ChatRequest later =
        request(
            List.of(
                Message.system("s"),
                Message.user("hi"),
                Message.assistant("yo"),
                Message.user("?")));
    assertEquals(SessionFingerprint.sessionId(first), SessionFingerprint.sessionId(later));
    assertNotEquals(
        SessionFingerprint.sessionId(first),
        SessionFingerprint.sessionId(request(List.of(Message.system("s"), Message.user("hj")))));
  }

  @Test
  void repeatedConversationStartsReuseTheirIdButNeverAnotherConversations() throws Exception {
    // same lengths and the same sampled characters, different in the middle: one slot, two ids
    String a = "x".repeat(501) + "A" + "x".repeat(499);
    String b = "x".repeat(501) + "B" + "x".repeat(499);
    for (int round = 0; round < 3; round++) {
      assertEquals(
          expected("system:sys\nuser:" + a),
          SessionFingerprint.sessionId(
              request(List.of(Message.system("sys"), Message.user(new String(a.toCharArray()))))));
      assertEquals(
          expected("system:sys\nuser:" + b),
          SessionFingerprint.sessionId(
              request(List.of(Message.system("sys"), Message.user(new String(b.toCharArray()))))));
      assertEquals(
          expected("user:" + a), SessionFingerprint.sessionId(request(List.of(Message.user(a)))));
    }
    // a system message without text still counts ("system:\n"), unlike no system message
    ChatRequest emptySystem =
        request(
            List.of(
                new Message(dev.aperture.chat.Role.SYSTEM, List.of(new ContentPart.Text(""))),
                Message.user("hi")));
    assertEquals(expected("system:\nuser:hi"), SessionFingerprint.sessionId(emptySystem));
    assertEquals(
        expected("user:hi"), SessionFingerprint.sessionId(request(List.of(Message.user("hi")))));
  }

  @Test
  void multiPartUserTextIsJoined() throws Exception {
    ChatRequest r =
        request(List.of(Message.user(new ContentPart.Text("ab"), new ContentPart.Text("cd"))));
    assertEquals(expected("user:abcd"), SessionFingerprint.sessionId(r));
  }

  @Test
  void clientSessionIdWins_andNoTextMeansRandom() {
    ChatRequest withId =
        ChatRequest.builder().model("m").addMessages(Message.user("x")).sessionId("abc").build();
    assertEquals("abc", SessionFingerprint.sessionId(withId));
    String random = SessionFingerprint.sessionId(request(List.of(Message.assistant("only"))));
    assertFalse(random.startsWith("fp-"));
    assertTrue(random.length() >= 32);
  }
}
