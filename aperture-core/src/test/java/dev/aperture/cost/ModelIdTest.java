package dev.aperture.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelIdTest {
  private static final List<String> PREFIXES = PriceTable.bundled().geoPrefixes();

  @Test
  void aGeoPrefixAndTheVersionSuffixAreSplitOff() {
    ModelId id = ModelId.parse("us.anthropic.claude-haiku-4-5-20251001-v1:0", PREFIXES);
    assertEquals("us.", id.geoPrefix());
    assertEquals(
        List.of("anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5-20251001"),
        id.candidates());
  }

  @Test
  void everyBedrockGeoPrefixIsRecognised() {
    for (String p : List.of("us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov.", "global.")) {
      ModelId id = ModelId.parse(p + "anthropic.claude-opus-4-6-v1", PREFIXES);
      assertEquals(p, id.geoPrefix());
      assertEquals("anthropic.claude-opus-4-6", id.candidates().get(1));
    }
  }

  @Test
  void anIdWithoutPrefixIsInRegion() {
    ModelId id = ModelId.parse("anthropic.claude-opus-4-6-v1", PREFIXES);
    assertEquals("", id.geoPrefix());
  }

  @Test
  void provisionedThroughputVariantsLoseTheirWholeSuffix() {
    ModelId id = ModelId.parse("anthropic.claude-3-5-haiku-20241022-v1:0:200k", PREFIXES);
    assertEquals("anthropic.claude-3-5-haiku-20241022", id.candidates().get(1));
  }

  @Test
  void providerNamesPassThrough() {
    assertEquals(
        List.of("claude-haiku-4-5"), ModelId.parse("claude-haiku-4-5", PREFIXES).candidates());
  }

  @Test
  void inferenceProfileAndFoundationModelArnsAreLookedThrough() {
    ModelId profile =
        ModelId.parse(
            "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-opus-4-6-v1",
            PREFIXES);
    assertEquals("eu.", profile.geoPrefix());
    assertEquals("anthropic.claude-opus-4-6", profile.candidates().get(1));
    ModelId foundation =
        ModelId.parse(
            "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",
            PREFIXES);
    assertEquals("", foundation.geoPrefix());
    assertEquals("anthropic.claude-sonnet-4-20250514", foundation.candidates().get(1));
  }

  @Test
  void opaqueArnsCannotBePriced() {
    for (String arn :
        List.of(
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
            "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc",
            "arn:aws:bedrock:us-east-1:123456789012:custom-model/abc",
            "arn:aws:bedrock:us-east-1:123456789012",
            "arn:aws:s3:::bucket/key")) {
      assertTrue(ModelId.parse(arn, PREFIXES).unpricedReason().isPresent(), arn);
    }
  }
}
