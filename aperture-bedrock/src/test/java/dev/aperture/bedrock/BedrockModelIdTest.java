package dev.aperture.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BedrockModelIdTest {

  @Test
  void aRegionalProfileIdSplitsIntoAllItsParts() {
    BedrockModelId id = BedrockModelId.parse("us.anthropic.claude-haiku-4-5-20251001-v1:0");

    assertEquals("us.anthropic.claude-haiku-4-5-20251001-v1:0", id.raw());
    assertEquals(Optional.of("us"), id.geoPrefix());
    assertEquals(Optional.of("anthropic"), id.provider());
    assertEquals(Optional.of("claude-haiku-4-5"), id.modelName());
    assertEquals(Optional.of("20251001"), id.releaseDate());
    assertEquals(Optional.of("v1:0"), id.version());
    assertEquals(Optional.of("claude-haiku-4-5"), id.baseModelKey());
    assertTrue(id.isAnthropic());
    assertFalse(id.isArn());
    assertFalse(id.isOpaque());
    assertEquals(Optional.empty(), id.region());
    assertEquals(Optional.empty(), id.resourceType());
  }

  @Test
  void anIdWithoutDateOrMinorVersionKeepsTheBareVersion() {
    BedrockModelId id = BedrockModelId.parse("us.anthropic.claude-opus-4-6-v1");

    assertEquals(Optional.of("claude-opus-4-6"), id.modelName());
    assertEquals(Optional.empty(), id.releaseDate());
    assertEquals(Optional.of("v1"), id.version());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // raw id, geo, provider, model name, release date, version
    "anthropic.claude-3-5-haiku-20241022-v1:0, , anthropic, claude-3-5-haiku, 20241022, v1:0",
    "global.anthropic.claude-sonnet-4-5-20250929-v1:0, global, anthropic, claude-sonnet-4-5,"
        + " 20250929, v1:0",
    "us-gov.anthropic.claude-3-7-sonnet-20250219-v1:0, us-gov, anthropic, claude-3-7-sonnet,"
        + " 20250219, v1:0",
    "eu.anthropic.claude-sonnet-4-20250514-v1:0, eu, anthropic, claude-sonnet-4, 20250514, v1:0",
    "apac.amazon.nova-lite-v1:0, apac, amazon, nova-lite, , v1:0",
    "jp.anthropic.claude-haiku-4-5-20251001-v1:0, jp, anthropic, claude-haiku-4-5, 20251001, v1:0",
    "au.anthropic.claude-haiku-4-5-20251001-v1:0, au, anthropic, claude-haiku-4-5, 20251001, v1:0",
    "ca.anthropic.claude-haiku-4-5-20251001-v1:0, ca, anthropic, claude-haiku-4-5, 20251001, v1:0",
    "meta.llama3-1-70b-instruct-v1:0, , meta, llama3-1-70b-instruct, , v1:0",
    "amazon.nova-pro-v1:0, , amazon, nova-pro, , v1:0",
    "mistral.mistral-large-2407-v1:0, , mistral, mistral-large-2407, , v1:0",
    "cohere.command-r-plus-v1:0, , cohere, command-r-plus, , v1:0",
    "deepseek.r1-v1:0, , deepseek, r1, , v1:0",
    "openai.gpt-oss-120b-1:0, , openai, gpt-oss-120b, , 1:0",
    "qwen.qwen3-32b-v1:0, , qwen, qwen3-32b, , v1:0",
    "ai21.jamba-1-5-large-v1:0, , ai21, jamba-1-5-large, , v1:0",
    "writer.palmyra-x5-v1:0, , writer, palmyra-x5, , v1:0",
    "anthropic.claude-v2:1, , anthropic, claude, , v2:1",
    "google.gemma-3-27b-it, , google, gemma-3-27b-it, , ",
    "zai.glm-4.6, , zai, glm-4.6, , ",
  })
  void plainIdsSplitIntoGeoProviderModelDateAndVersion(
      String raw, String geo, String provider, String name, String date, String version) {
    BedrockModelId id = BedrockModelId.parse(raw);

    assertEquals(Optional.ofNullable(geo), id.geoPrefix());
    assertEquals(Optional.of(provider), id.provider());
    assertEquals(Optional.of(name), id.modelName());
    assertEquals(Optional.ofNullable(date), id.releaseDate());
    assertEquals(Optional.ofNullable(version), id.version());
    assertEquals(provider.equals("anthropic"), id.isAnthropic());
  }

  @Test
  void everyGeoVariantSharesOneBaseModelKey() {
    String[] ids = {
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "us.anthropic.claude-haiku-4-5-20251001-v1:0",
      "global.anthropic.claude-haiku-4-5-20251001-v1:0",
      "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0",
    };
    for (String raw : ids) {
      assertEquals(Optional.of("claude-haiku-4-5"), BedrockModelId.parse(raw).baseModelKey(), raw);
    }
  }

  @Test
  void aFoundationModelArnExposesTheEmbeddedModel() {
    BedrockModelId id =
        BedrockModelId.parse(
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0");

    assertTrue(id.isArn());
    assertFalse(id.isOpaque());
    assertEquals(Optional.of("us-east-1"), id.region());
    assertEquals(Optional.empty(), id.account());
    assertEquals(Optional.of("foundation-model"), id.resourceType());
    assertEquals(Optional.of("anthropic.claude-3-5-haiku-20241022-v1:0"), id.resourceId());
    assertEquals(Optional.empty(), id.geoPrefix());
    assertEquals(Optional.of("anthropic"), id.provider());
    assertEquals(Optional.of("claude-3-5-haiku"), id.modelName());
    assertEquals(Optional.of("v1:0"), id.version());
  }

  @Test
  void anInferenceProfileArnExposesTheEmbeddedProfileAndItsGeo() {
    BedrockModelId id =
        BedrockModelId.parse(
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0");

    assertEquals(Optional.of("123456789012"), id.account());
    assertEquals(Optional.of("inference-profile"), id.resourceType());
    assertEquals(Optional.of("us"), id.geoPrefix());
    assertEquals(Optional.of("anthropic"), id.provider());
    assertEquals(Optional.of("claude-sonnet-4-5"), id.modelName());
    assertEquals(Optional.of("20250929"), id.releaseDate());
    assertTrue(id.isAnthropic());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
        "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/x7k2m9q4",
        "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:imported-model/m1abc",
      })
  void opaqueArnsSayTheUnderlyingModelIsUnknown(String raw) {
    BedrockModelId id = BedrockModelId.parse(raw);

    assertTrue(id.isArn());
    assertTrue(id.isOpaque());
    assertEquals(Optional.empty(), id.provider());
    assertEquals(Optional.empty(), id.modelName());
    assertEquals(Optional.empty(), id.baseModelKey());
    assertEquals(Optional.empty(), id.geoPrefix());
    assertFalse(id.isAnthropic());
    assertEquals(Optional.of("123456789012"), id.account());
    assertTrue(id.resourceId().isPresent());
  }

  @Test
  void anApplicationInferenceProfileArnKeepsItsTypeAndId() {
    BedrockModelId id =
        BedrockModelId.parse(
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123");

    assertEquals(Optional.of("application-inference-profile"), id.resourceType());
    assertEquals(Optional.of("abc123"), id.resourceId());
    assertEquals(Optional.of("us-east-1"), id.region());
  }

  @Test
  void aProfileIdIsPercentEncodedForThePath() {
    assertEquals(
        "us.anthropic.claude-haiku-4-5-20251001-v1%3A0",
        BedrockModelId.parse("us.anthropic.claude-haiku-4-5-20251001-v1:0").pathSegment());
  }

  @Test
  void anArnIsPercentEncodedIntoOneSegment() {
    assertEquals(
        "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123",
        BedrockModelId.parse(
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123")
            .pathSegment());
  }

  @Test
  void unreservedCharactersStayAndEverythingElseIsEncodedAsUtf8() {
    assertEquals(
        "p.AZaz09-._~%21%2B%C3%A9%40", BedrockModelId.parse("p.AZaz09-._~!+é@").pathSegment());
  }

  @Test
  void anAlreadyEncodedIdIsEncodedAgainNotDecoded() {
    BedrockModelId id = BedrockModelId.parse("us.anthropic.claude-haiku-4-5-20251001-v1%3A0");

    assertEquals("us.anthropic.claude-haiku-4-5-20251001-v1%253A0", id.pathSegment());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "\t",
        " us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "us.anthropic.claude haiku",
        "anthropic.claude\n",
        "claude-haiku-4-5",
        ".claude",
        "anthropic.",
        "us.claude",
        "us.",
        "arn:aws:bedrock:us-east-1",
        "arn:aws:bedrock::123456789012:inference-profile/us.anthropic.claude-v1",
        "arn:aws:s3:us-east-1:123456789012:bucket/x",
        "arn:aws:bedrock:us-east-1:12345:inference-profile/us.anthropic.claude-v1",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/nodot",
        "arn:gcp:bedrock:us-east-1:123456789012:provisioned-model/x",
      })
  void garbageIsRejectedWithAMessageQuotingTheId(String raw) {
    InvalidModelIdException e =
        assertThrows(InvalidModelIdException.class, () -> BedrockModelId.parse(raw));

    assertEquals(raw, e.modelId());
    assertTrue(
        e.getMessage().startsWith("invalid Bedrock model id '" + raw + "': "), e.getMessage());
    assertEquals(400, e.httpStatus());
  }

  @Test
  void nullIsRejectedLikeGarbage() {
    InvalidModelIdException e =
        assertThrows(InvalidModelIdException.class, () -> BedrockModelId.parse(null));

    assertNull(e.modelId());
  }

  @Test
  void aVeryLongIdIsRejectedAndQuotedShort() {
    String raw = "anthropic." + "x".repeat(5000);

    InvalidModelIdException e =
        assertThrows(InvalidModelIdException.class, () -> BedrockModelId.parse(raw));

    assertTrue(e.getMessage().length() < 400, e.getMessage());
  }

  @Test
  void idsAreEqualWhenTheirRawStringsAre() {
    BedrockModelId a = BedrockModelId.parse("amazon.nova-pro-v1:0");

    assertEquals(a, BedrockModelId.parse("amazon.nova-pro-v1:0"));
    assertEquals(a.hashCode(), BedrockModelId.parse("amazon.nova-pro-v1:0").hashCode());
    assertNotEquals(a, BedrockModelId.parse("us.amazon.nova-pro-v1:0"));
    assertEquals("amazon.nova-pro-v1:0", a.toString());
  }
}
