package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.aperture.ApertureException;
import org.junit.jupiter.api.Test;

class BedrockRequestExceptionTest {
  @Test
  void aRefusedRequestIsAClientErrorThatIsNotRetried() {
    BedrockRequestException e = new BedrockRequestException("messages[0]: bad");

    assertInstanceOf(ApertureException.class, e);
    assertEquals(400, e.httpStatus());
    assertFalse(e.retryable());
    assertEquals("messages[0]: bad", e.getMessage());
  }
}
