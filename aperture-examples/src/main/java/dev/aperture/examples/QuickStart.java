package dev.aperture.examples;

import dev.aperture.bedrock.BedrockProviderFactory;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.Message;
import dev.aperture.chat.Usage;
import dev.aperture.config.ApertureConfig;
import dev.aperture.route.ModelRouter;
import dev.aperture.testing.BedrockEmulator;

/**
 * The quick start: one chat call through the router to Claude Haiku 4.5 on Bedrock, configured as
 * in the set-up guide, printing the answer, its tokens and its cost. Bedrock here is the {@link
 * BedrockEmulator}, so it runs without an AWS account; for real Bedrock, use {@code
 * https://bedrock-runtime.us-east-1.amazonaws.com} and your Bedrock API key instead.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    try (BedrockEmulator bedrock = BedrockEmulator.create().start()) {
      String haiku = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
      ApertureConfig config =
          ApertureConfig.parse(
              """
              {
                "providers": {
                  "bedrock": {
                    "baseurl": "%s",
                    "apikey": "%s",
                    "authorization": "bearer",
                    "models": ["%s"],
                    "cost_basis": "bedrock-us",
                    "compatibility": {"bedrock_model_invoke": true}
                  }
                }
              }
              """
                  .formatted(bedrock.baseUrl(), bedrock.apiKey(), haiku));

      try (ModelRouter router =
          ModelRouter.builder(config).addProviderFactory(BedrockProviderFactory.create()).build()) {
        ChatResponse response =
            router.chat(
                ChatRequest.builder().model(haiku).addMessage(Message.user("hello")).build());

        Usage usage = response.usage();
        System.out.println(response.text());
        System.out.println(
            "tokens: " + usage.totalInputTokens() + " in, " + usage.outputTokens() + " out");
        System.out.println(
            "cost: "
                + response
                    .cost()
                    .map(c -> "$" + c.usd().toPlainString() + " (" + c.basis() + ")")
                    .orElse("unknown"));
      }
    }
  }
}
