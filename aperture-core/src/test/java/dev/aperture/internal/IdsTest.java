package dev.aperture.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void idsAreVersion4IetfVariantUuidsAndDoNotRepeat() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      UUID id = Ids.randomUuid();
      assertEquals(4, id.version());
      assertEquals(2, id.variant());
      seen.add(id);
    }
    assertEquals(10_000, seen.size());
  }

  @Test
  void prefixedHexIsThePrefixAndAVersion4UuidWithoutDashes() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.prefixedHex("msg_");
      assertTrue(id.matches("msg_[0-9a-f]{32}"), id);
      String hex = id.substring(4);
      UUID uuid =
          UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
      assertEquals(4, uuid.version());
      assertEquals(2, uuid.variant());
      assertEquals(hex, uuid.toString().replace("-", ""));
      seen.add(id);
    }
    assertEquals(10_000, seen.size());
  }

  @Test
  void prefixesOfEveryLengthInTurnGiveExactlyThemselvesAndTheDigits() {
    String[] prefixes = {
      "msg_", "", "a-much-longer-prefix-than-the-kept-buffer-holds-at-all_", "x", "chatcmpl-"
    };
    for (int round = 0; round < 3; round++) {
      for (String prefix : prefixes) {
        String id = Ids.prefixedHex(prefix);
        assertEquals(prefix.length() + 32, id.length(), id);
        assertTrue(id.startsWith(prefix), id);
        assertTrue(id.substring(prefix.length()).matches("[0-9a-f]{32}"), id);
      }
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Ids.prefixedHex("caf\u00e9_"));
    assertTrue(Ids.prefixedHex("m_").matches("m_[0-9a-f]{32}")); // nothing left over from it
  }
}
