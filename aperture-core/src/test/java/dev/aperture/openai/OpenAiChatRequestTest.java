package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OpenAiChatRequestTest {
  @Test
  void aChatRequestIsRequired() {
    assertThrows(NullPointerException.class, () -> new OpenAiChatRequest(null, true, true));
  }
}
