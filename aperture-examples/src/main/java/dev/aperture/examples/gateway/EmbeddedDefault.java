package dev.aperture.examples.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.config.ApertureConfig;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the gateway serves when started without {@code --config}: an in-process {@link
 * BedrockEmulator} and a configuration that points a Bedrock provider at it, the way the set-up
 * guide configures real Bedrock (the four Claude models, bearer key, {@code cost_basis:
 * bedrock-us}, InvokeModel and Converse enabled). A first run thus shows the whole flow (an OpenAI
 * request in, Bedrock's wire format out, the answer back, tokens and cost) with no AWS account.
 */
final class EmbeddedDefault implements AutoCloseable {
  /** The set-up guide's Claude models on Bedrock. */
  static final List<String> MODELS =
      List.of(
          "us.anthropic.claude-haiku-4-5-20251001-v1:0",
          "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          "us.anthropic.claude-opus-4-5-20251101-v1:0",
          "us.anthropic.claude-opus-4-6-v1");

  /** The emulator's answer to every request. */
  static final Reply DEMO_REPLY =
      Reply.text(
              "Hello! ",
              "This answer comes from the Bedrock emulator ",
              "inside the Aperture gateway. ",
              "Your request was routed by its model name, ",
              "translated to Bedrock's format ",
              "and sent with the provider's key; ",
              "the answer was translated back, ",
              "and its tokens and cost are in GET /api/sessions.")
          .usage(14, 52);

  private final BedrockEmulator emulator;
  private final ApertureConfig config;

  private EmbeddedDefault(BedrockEmulator emulator, ApertureConfig config) {
    this.emulator = emulator;
    this.config = config;
  }

  /** Starts the emulator and makes the configuration that points at it. */
  static EmbeddedDefault start() {
    BedrockEmulator emulator = BedrockEmulator.create().start();
    try {
      emulator.knownModels(MODELS.toArray(new String[0])).defaultReply(DEMO_REPLY);
      return new EmbeddedDefault(emulator, ApertureConfig.parse(configJson(emulator)));
    } catch (RuntimeException e) {
      emulator.close();
      throw e;
    }
  }

  /** The configuration document, as a user would write it for real Bedrock. */
  static String configJson(BedrockEmulator emulator) {
    ObjectNode root = GatewayJson.MAPPER.createObjectNode();
    ObjectNode bedrock = root.putObject("providers").putObject("bedrock");
    bedrock.put("name", "Amazon Bedrock (emulated)");
    bedrock.put("baseurl", emulator.baseUrl());
    bedrock.put("apikey", emulator.apiKey());
    bedrock.put("authorization", "bearer");
    MODELS.forEach(bedrock.putArray("models")::add);
    bedrock.put("cost_basis", "bedrock-us");
    ObjectNode compatibility = bedrock.putObject("compatibility");
    compatibility.put("bedrock_model_invoke", true);
    compatibility.put("bedrock_converse", true);
    return new String(GatewayJson.bytes(root), StandardCharsets.UTF_8);
  }

  ApertureConfig config() {
    return config;
  }

  /** Where the emulator listens. */
  String baseUrl() {
    return emulator.baseUrl();
  }

  @Override
  public void close() {
    emulator.close();
  }
}
