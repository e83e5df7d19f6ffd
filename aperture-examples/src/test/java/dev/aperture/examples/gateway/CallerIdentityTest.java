package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aperture.access.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {
  @Test
  void aHeaderValueIsALogin() {
    assertEquals(Identity.of("alice@example.com"), CallerIdentity.parse("alice@example.com"));
  }

  @Test
  void tagsNameATaggedMachine() {
    Identity id = CallerIdentity.parse("tag:prod, tag:ci");
    assertEquals(List.of("tag:ci", "tag:prod"), id.sortedTags());
    assertEquals("tag:ci,tag:prod", id.principal());
  }
}
