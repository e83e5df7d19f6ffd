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
}
