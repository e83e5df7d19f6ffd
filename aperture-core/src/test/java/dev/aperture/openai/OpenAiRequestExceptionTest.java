package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApertureException;
import org.junit.jupiter.api.Test;

class OpenAiRequestExceptionTest {
  @Test
  void theMessageStartsWithTheFieldPath() {
    OpenAiRequestException e =
        new OpenAiRequestException("messages[2].content[0].type", "unsupported_value", "no audio");

    assertEquals("messages[2].content[0].type: no audio", e.getMessage());
    assertEquals("messages[2].content[0].type", e.param().orElseThrow());
    assertEquals("unsupported_value", e.code());
  }

  @Test
  void anErrorOutsideAnyFieldHasNoParam() {
    OpenAiRequestException e = new OpenAiRequestException(null, "invalid_json", "bad JSON");

    assertEquals("bad JSON", e.getMessage());
    assertTrue(e.param().isEmpty());
  }

  @Test
  void itIsANonRetryableBadRequest() {
    ApertureException e = new OpenAiRequestException("n", "unsupported_value", "n = 1 only");

    assertEquals(400, e.httpStatus());
    assertFalse(e.retryable());
  }
}
