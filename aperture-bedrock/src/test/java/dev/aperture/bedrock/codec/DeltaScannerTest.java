package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aperture.StreamException;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The scanner against the Jackson reading, payload by payload: whenever the scanner answers, the
 * answer is Jackson's; whenever Jackson fails, the scanner declined. Common payloads must take the
 * fast path.
 */
class DeltaScannerTest {
  private final DeltaScanner scanner = new DeltaScanner();

  private static final String[] FAST = {
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"},\"p\":\"abcdefghijklmnopqrstu\"}",
    "{\"contentBlockIndex\":12,\"delta\":{\"text\":\"line\\nbreak \\\"quoted\\\" tab\\t \\\\ \\/\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"héllo wörld – 日本語 😀\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"\\u00e9\\ud83d\\ude00\\u0000\"}}",
    "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\": \\\"Par\"}}}",
    "{\"contentBlockIndex\":2,\"delta\":{\"reasoningContent\":{\"text\":\"think\"}}}",
    "{\"contentBlockIndex\":2,\"delta\":{\"reasoningContent\":{\"signature\":\"c2ln\"}}}",
    "{\"contentBlockIndex\":2,\"delta\":{\"reasoningContent\":{\"redactedContent\":\"cmVk\"}}}",
    " { \"delta\" : { \"text\" : \"x\" } , \"contentBlockIndex\" : 3 } ",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\"},\"delta\":{\"text\":\"b\"}}",
    "{\"contentBlockIndex\":0,\"contentBlockIndex\":7,\"delta\":{\"text\":\"a\",\"text\":\"b\"}}",
    "{\"contentBlockIndex\":-0,\"delta\":{\"text\":\"\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":5}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":null}}",
    "{\"contentBlockIndex\":\"1\",\"delta\":{\"text\":\"x\"}}",
    "{\"contentBlockIndex\":[1],\"delta\":{}}",
    "{\"contentBlockIndex\":0,\"delta\":[1,2]}",
    "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{}}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":null}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":{\"a\":1}}}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":true}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"other\":{\"x\":[true,false,null,-1.5e3,0,\"s\"]}}}",
    "{\"contentBlockIndex\":0,\"extra\":{\"a\":{\"b\":{\"c\":[[[]]]}}},\"delta\":{\"text\":\"t\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}} trailing ignored",
    "{}",
    "{\"delta\":{\"text\":\"no index\"}}",
    "{\"contentBlockIndex\":999999999,\"delta\":{}}",
    // Bedrock's own layout (matched piece by piece) and its near misses
    "{\"contentBlockIndex\":3,\"delta\":{\"text\":\"\"},\"p\":\"\"}",
    "{\"contentBlockIndex\":10,\"delta\":{\"text\":\"plain words, 'quotes' {and} [brackets]\"}}",
    "{\"contentBlockIndex\":999999999,\"delta\":{\"text\":\"x\"},\"p\":\"abcdefghij\"}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"},\"p\":\"abc\"} ",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"},\"p\":\"abc\",\"q\":1}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"},\"p\":7}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\",\"text\":\"y\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}}{\"second\":1}",
  };

  private static final String[] DECLINED_OR_FAILING = {
    "",
    "[1]",
    "\"x\"",
    "[1,",
    "{\"contentBlockIndex\":0,,}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\"}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\",}}",
    "{\"contentBlockIndex\":01,\"delta\":{}}",
    "{\"contentBlockIndex\":01,\"delta\":{\"text\":\"x\"}}",
    "{\"contentBlockIndex\":00,\"delta\":{\"text\":\"x\"},\"p\":\"ab\"}",
    "{\"contentBlockIndex\":1234567890,\"delta\":{\"text\":\"x\"}}",
    "{\"contentBlockIndex\":1.0,\"delta\":{}}",
    "{\"contentBlockIndex\":1e2,\"delta\":{}}",
    "{\"contentBlockIndex\":4294967296,\"delta\":{}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"bad \\q escape\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"raw \u0001 control\"}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":tru}}",
    "{\"contentBlockIndex\":0,\"delta\":{\"text\":truex}}",
    "{\"contentBlockIndex\":0,\"delta\":{'text':\"x\"}}",
    "{\"contentBlockIndex\":0,\"del\\u0074a\":{\"text\":\"escaped name\"}}",
    "{\"contentBlockIndex\":0,\"p\":\"non-ascii padding é\",\"delta\":{\"text\":\"x\"}}",
    "{contentBlockIndex:0}",
    "\uFEFF{\"contentBlockIndex\":0,\"delta\":{\"text\":\"bom\"}}",
  };

  @Test
  void commonPayloadsTakeTheFastPathAndAgreeWithJackson() {
    for (String p : FAST) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      ConverseStreamTranslator.Delta d = new ConverseStreamTranslator.Delta();
      assertTrue(scanner.read(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), d), p);
      assertEquals(jackson(bytes), d.toString(), p);
    }
  }

  @Test
  void unusualOrMalformedPayloadsAreLeftToJackson() {
    for (String p : DECLINED_OR_FAILING) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      assertFalse(
          scanner.read(
              ByteBuffer.wrap(bytes).asReadOnlyBuffer(), new ConverseStreamTranslator.Delta()),
          p);
    }
  }

  @Test
  void invalidUtf8IsLeftToJackson() {
    byte[][] cases = {
      {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xE2, (byte) 0x28, (byte) 0xA1}, // bad continuation
      {(byte) 0xFF},
    };
    for (byte[] bad : cases) {
      byte[] head =
          "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"".getBytes(StandardCharsets.UTF_8);
      byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
      byte[] payload = new byte[head.length + bad.length + tail.length];
      System.arraycopy(head, 0, payload, 0, head.length);
      System.arraycopy(bad, 0, payload, head.length, bad.length);
      System.arraycopy(tail, 0, payload, head.length + bad.length, tail.length);
      assertFalse(
          scanner.read(ByteBuffer.wrap(payload), new ConverseStreamTranslator.Delta()),
          java.util.HexFormat.of().formatHex(bad));
    }
  }

  @Test
  void inputsAtJacksonsReadLimitsAreLeftToJackson() {
    String longNumber = "1".repeat(1_001);
    String longName = "n".repeat(60_000);
    String longText = "t".repeat(20_000);
    String[] cases = {
      "{\"contentBlockIndex\":0,\"p\":" + longNumber + ",\"delta\":{\"text\":\"x\"}}",
      "{\"contentBlockIndex\":0,\"p\":0." + longNumber + ",\"delta\":{\"text\":\"x\"}}",
      "{\"contentBlockIndex\":0,\"" + longName + "\":1,\"delta\":{\"text\":\"x\"}}",
      "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + longText + "\"}}",
    };
    for (String p : cases) {
      assertFalse(
          scanner.read(
              ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)),
              new ConverseStreamTranslator.Delta()),
          p.substring(0, 60));
    }
    // just inside: a 1,000-character number is Jackson's too, and the scanner agrees
    assertTrue(
        agree(
            ("{\"contentBlockIndex\":0,\"p\":" + "1".repeat(1_000) + ",\"delta\":{\"text\":\"x\"}}")
                .getBytes(StandardCharsets.UTF_8)));
  }

  /** Every truncation and many single-byte mutations of every payload: never a different answer. */
  @Test
  void mutationsNeverGiveAnAnswerJacksonWouldNot() {
    SplittableRandom random = new SplittableRandom(20261125);
    byte[] alphabet = "{}[]\":,\\ 0123456789-+.eEtrufalsn\u00e9xu".getBytes(StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(List.of(FAST));
    all.addAll(List.of(DECLINED_OR_FAILING));
    int fast = 0;
    int checked = 0;
    for (String p : all) {
      byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
      for (int cut = 0; cut <= bytes.length; cut++) {
        fast += agree(java.util.Arrays.copyOf(bytes, cut)) ? 1 : 0;
        checked++;
      }
      for (int i = 0; i < 300 && bytes.length > 0; i++) {
        byte[] m = bytes.clone();
        int at = random.nextInt(m.length);
        m[at] =
            random.nextBoolean()
                ? alphabet[random.nextInt(alphabet.length)]
                : (byte) random.nextInt(256);
        fast += agree(m) ? 1 : 0;
        checked++;
      }
    }
    assertTrue(fast > checked / 10, "the fast path took " + fast + " of " + checked);
  }

  /** True when the scanner answered (and agreed); fails the test when it disagreed. */
  private boolean agree(byte[] payload) {
    ConverseStreamTranslator.Delta d = new ConverseStreamTranslator.Delta();
    boolean answered = scanner.read(ByteBuffer.wrap(payload).asReadOnlyBuffer(), d);
    String reference;
    try {
      reference = jackson(payload);
    } catch (StreamException e) {
      if (answered) {
        fail(
            "the scanner answered "
                + d
                + " where Jackson fails ("
                + e.getMessage()
                + ") for "
                + new String(payload, StandardCharsets.UTF_8));
      }
      return false;
    }
    if (answered) {
      assertEquals(reference, d.toString(), new String(payload, StandardCharsets.UTF_8));
    }
    return answered;
  }

  private static String jackson(byte[] payload) {
    EventStreamMessage m =
        EventStreamMessage.builder()
            .header(":event-type", "contentBlockDelta")
            .header(":message-type", "event")
            .payload(payload)
            .build();
    return ConverseStreamTranslator.readWithJackson(m).toString();
  }
}
