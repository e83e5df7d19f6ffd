package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BedrockEndpointTest {
  @Test
  void aModelIdIsDecodedExactlyOnce() {
    assertEquals(
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        BedrockEndpoint.decodeSegment("us.anthropic.claude-haiku-4-5-20251001-v1%3A0"));
    assertEquals(
        "us.anthropic.claude-haiku-4-5-20251001-v1%3A0",
        BedrockEndpoint.decodeSegment("us.anthropic.claude-haiku-4-5-20251001-v1%253A0"));
  }

  @Test
  void anArnKeepsItsSlashesAndAPlusStaysAPlus() {
    assertEquals(
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-6-v1",
        BedrockEndpoint.decodeSegment(
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-opus-4-6-v1"));
    assertEquals("a+b", BedrockEndpoint.decodeSegment("a+b"));
    assertEquals("a:b", BedrockEndpoint.decodeSegment("a:b"));
  }

  @Test
  void aMalformedEscapeIsABadRequest() {
    assertThrows(
        BedrockEndpoint.BadRequestException.class, () -> BedrockEndpoint.decodeSegment("v1%3"));
    assertThrows(
        BedrockEndpoint.BadRequestException.class, () -> BedrockEndpoint.decodeSegment("v1%zz0"));
    assertThrows(
        BedrockEndpoint.BadRequestException.class, () -> BedrockEndpoint.decodeSegment("%ff%fe"));
  }
}
