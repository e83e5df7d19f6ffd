package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GatewayOptionsTest {
  @Test
  void noArgumentsMeansTheEmbeddedDefaultOnLoopbackPort8080() {
    GatewayOptions o = GatewayOptions.parse();
    assertNull(o.config());
    assertEquals(8080, o.port());
    assertEquals("127.0.0.1", o.bind());
    assertNull(o.identityHeader());
  }

  @Test
  void everyOptionIsReadInBothSpellings() {
    GatewayOptions o =
        GatewayOptions.parse(
            "--config", "gw.json", "--port=9000", "--bind", "0.0.0.0", "--identity-header=X-User");
    assertEquals(Path.of("gw.json"), o.config());
    assertEquals(9000, o.port());
    assertEquals("0.0.0.0", o.bind());
    assertEquals("X-User", o.identityHeader());
  }

  @Test
  void helpIsAnsweredWithNoOptions() {
    assertNull(GatewayOptions.parse("--port", "1", "--help"));
  }

  @Test
  void anUnknownArgumentIsNamed() {
    var e =
        assertThrows(
            GatewayOptions.BadArgumentsException.class, () -> GatewayOptions.parse("--prot", "1"));
    assertEquals("unknown argument: --prot", e.getMessage());
  }

  @Test
  void aMissingValueIsRefused() {
    var e =
        assertThrows(
            GatewayOptions.BadArgumentsException.class, () -> GatewayOptions.parse("--config"));
    assertEquals("--config needs a value", e.getMessage());
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    var e =
        assertThrows(
            GatewayOptions.BadArgumentsException.class,
            () -> GatewayOptions.parse("--port", "70000"));
    assertTrue(e.getMessage().contains("70000"), e.getMessage());
    assertThrows(
        GatewayOptions.BadArgumentsException.class, () -> GatewayOptions.parse("--port", "http"));
  }

  @Test
  void anIdentityHeaderMustBeAHeaderName() {
    assertThrows(
        GatewayOptions.BadArgumentsException.class,
        () -> GatewayOptions.parse("--identity-header", "X User"));
  }
}
