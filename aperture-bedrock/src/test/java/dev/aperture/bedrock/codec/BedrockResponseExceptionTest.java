package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.aperture.ApertureException;
import org.junit.jupiter.api.Test;

class BedrockResponseExceptionTest {
  @Test
  void aMalformedAnswerIsABadGatewayThatIsNotRetried() {
    IllegalStateException cause = new IllegalStateException("x");
    BedrockResponseException e = new BedrockResponseException("no output", cause);

    assertInstanceOf(ApertureException.class, e);
    assertEquals(502, e.httpStatus());
    assertFalse(e.retryable());
    assertSame(cause, e.getCause());
  }
}
