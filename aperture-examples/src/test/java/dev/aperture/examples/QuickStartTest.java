package dev.aperture.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aperture.testing.BedrockEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  @Test
  void printsTheAnswerItsTokensAndItsCost() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    assertEquals(
        String.join(
            System.lineSeparator(),
            BedrockEmulator.DEFAULT_TEXT,
            "tokens: 12 in, 8 out",
            // Haiku 4.5 on Bedrock US: $1.10 per million input, $5.50 per million output tokens
            "cost: $0.0000572 (bedrock-us/claude-haiku-4-5)",
            ""),
        captured.toString(StandardCharsets.UTF_8));
  }
}
