package dev.aperture.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.BedrockErrorType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailureTest {
  @Test
  void modelledErrorsCarryTheirStatusNameAndAUsualMessage() {
    for (BedrockErrorType type : BedrockErrorType.values()) {
      if (type == BedrockErrorType.UNKNOWN) {
        assertThrows(IllegalArgumentException.class, () -> Failure.of(type));
        continue;
      }
      Failure failure = Failure.of(type);
      assertEquals(type.status(), failure.httpStatus());
      assertEquals(Optional.of(type.wireName()), failure.errorType());
      assertFalse(failure.message().isBlank(), type.toString());
      assertFalse(failure.isDisconnect());
    }
    assertEquals(429, Failure.throttling().httpStatus());
  }

  @Test
  void anyErrorStatusCanBeScriptedButNoSuccess() {
    Failure gateway = Failure.status(504, null, "Gateway Timeout");
    assertEquals(504, gateway.httpStatus());
    assertEquals(Optional.empty(), gateway.errorType());
    assertThrows(IllegalArgumentException.class, () -> Failure.status(200, null, "ok"));
    assertThrows(IllegalArgumentException.class, () -> Failure.status(600, null, "?"));
  }

  @Test
  void aDisconnectHasNoStatus() {
    Failure cut = Failure.disconnect();
    assertTrue(cut.isDisconnect());
    assertEquals(0, cut.httpStatus());
  }
}
