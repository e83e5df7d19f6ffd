package dev.aperture.testing;

import static dev.aperture.testing.Calls.HAIKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The model id must arrive as one path segment, percent-encoded exactly once. */
@Timeout(30)
class ModelPathTest {
  private static final String ARN =
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  private Response sendRaw(String rawSegment, BedrockOperation op) throws Exception {
    return Calls.execute(
        Calls.post(
            Calls.rawUrl(bedrock, rawSegment, op),
            Calls.bodyFor(op),
            BedrockEmulator.DEFAULT_API_KEY));
  }

  @Test
  void anIdEncodedOnceIsServedAndRecordedDecoded() throws Exception {
    try (Response r =
        sendRaw("us.anthropic.claude-haiku-4-5-20251001-v1%3a0", BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code(), "lower-case hex is fine too");
    }
    ReceivedRequest request = bedrock.takeRequest();
    assertEquals(Optional.of(HAIKU), request.modelId());
    assertEquals(
        Optional.of("us.anthropic.claude-haiku-4-5-20251001-v1%3a0"), request.rawModelId());
  }

  @Test
  void anUnencodedColonIsRefusedAsAnInvalidModelIdentifier() throws Exception {
    try (Response r = sendRaw(HAIKU, BedrockOperation.CONVERSE)) {
      assertEquals(400, r.code());
      assertEquals(
          "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
          r.header("x-amzn-ErrorType"));
      assertEquals(
          "{\"message\":\"The provided model identifier is invalid.\"}", r.body().string());
    }
    ReceivedRequest request = bedrock.takeRequest();
    assertTrue(request.target().contains("-v1:0/converse"), "the raw target kept the colon");
    assertEquals(Optional.empty(), request.modelId());
  }

  @Test
  void aDoubleEncodedIdIsRefused() throws Exception {
    try (Response r =
        sendRaw("us.anthropic.claude-haiku-4-5-20251001-v1%253A0", BedrockOperation.INVOKE_MODEL)) {
      assertEquals(400, r.code());
      assertTrue(r.body().string().contains("The provided model identifier is invalid."));
    }
    assertEquals(
        Optional.of("us.anthropic.claude-haiku-4-5-20251001-v1%3A0"),
        bedrock.takeRequest().modelId(),
        "decoded once, the id still holds an escape");
  }

  @Test
  void anArnWithEncodedColonsAndSlashIsServed() throws Exception {
    String segment = dev.aperture.bedrock.BedrockModelId.parse(ARN).pathSegment();
    assertTrue(segment.contains("%2F") && segment.contains("%3A"));
    try (Response r = sendRaw(segment, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(200, r.code(), "opaque profiles are treated as Anthropic for InvokeModel");
    }
    assertEquals(Optional.of(ARN), bedrock.takeRequest().modelId());
  }

  @Test
  void anArnWithAnUnencodedSlashIsRefused() throws Exception {
    try (Response r = sendRaw(ARN, BedrockOperation.CONVERSE)) {
      assertEquals(400, r.code());
      assertTrue(r.body().string().contains("The provided model identifier is invalid."));
    }
  }

  @Test
  void somethingThatIsNoModelIdIsRefused() throws Exception {
    try (Response r = sendRaw("claude", BedrockOperation.CONVERSE)) {
      assertEquals(400, r.code());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a%3", "a%G1", "a:b", "a/b", "a+b", "a%20b%", "", "%FF%FE.model"})
  void segmentsThatAreNotOneValidEncodingDoNotDecode(String raw) {
    assertNull(ModelPath.decodeSegment(raw));
  }

  @Test
  void aValidSegmentDecodesOnceToUtf8() {
    assertEquals("a:b/c%d", ModelPath.decodeSegment("a%3Ab%2fc%25d"));
    assertEquals("é.x", ModelPath.decodeSegment("%C3%A9.x"));
    assertEquals("A-z_0.~", ModelPath.decodeSegment("A-z_0.~"));
  }

  @Test
  void routingSplitsBasePathIdAndOperation() {
    ModelPath route =
        ModelPath.route("POST", "/base/model/amazon.nova-pro-v1%3A0/converse-stream?x=1", "/base");
    assertNull(route.refusal);
    assertEquals(BedrockOperation.CONVERSE_STREAM, route.operation);
    assertEquals("amazon.nova-pro-v1%3A0", route.rawModelId);
    assertEquals("amazon.nova-pro-v1:0", route.modelId);
    assertEquals(404, ModelPath.route("POST", "/model/a.b/converse", "/base").refusal.status());
    assertEquals(404, ModelPath.route("PUT", "/model/a.b/converse", "").refusal.status());
    assertEquals(
        "UnknownOperationException",
        ModelPath.route("POST", "/model/a.b/count-tokens", "").refusal.errorType());
  }

  @Test
  void theConverseBodyIsNotConsultedWhenTheIdIsInvalid() throws Exception {
    try (Response r =
        Calls.execute(
            Calls.post(
                Calls.rawUrl(
                    bedrock,
                    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                    BedrockOperation.CONVERSE),
                "{\"messages\":[]}",
                BedrockEmulator.DEFAULT_API_KEY))) {
      assertTrue(r.body().string().contains("model identifier"));
    }
  }
}
