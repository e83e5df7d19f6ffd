package dev.aperture.testing;

import dev.aperture.bedrock.BedrockModelId;
import java.io.IOException;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A plain OkHttp client talking to the emulator, as a Bedrock client would. */
final class Calls {
  static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  static final String NOVA = "amazon.nova-pro-v1:0";

  static final String CONVERSE_BODY =
      "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}";
  static final String ANTHROPIC_BODY =
      "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":64,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  /** No silent retries: a dropped connection must reach the test. */
  static final OkHttpClient CLIENT =
      new OkHttpClient.Builder()
          .retryOnConnectionFailure(false)
          .readTimeout(Duration.ofSeconds(10))
          .build();

  private static final MediaType JSON = MediaType.get("application/json");

  private Calls() {}

  /** The operation's URL with the model id encoded once, as Bedrock wants it. */
  static HttpUrl url(BedrockEmulator emulator, String modelId, BedrockOperation op) {
    return HttpUrl.get(emulator.baseUrl())
        .newBuilder()
        .addPathSegment("model")
        .addEncodedPathSegment(BedrockModelId.parse(modelId).pathSegment())
        .addPathSegment(op.pathSuffix())
        .build();
  }

  /** The operation's URL with {@code rawSegment} put in the path exactly as given. */
  static HttpUrl rawUrl(BedrockEmulator emulator, String rawSegment, BedrockOperation op) {
    return HttpUrl.get(emulator.baseUrl() + "/model/" + rawSegment + "/" + op.pathSuffix());
  }

  static String bodyFor(BedrockOperation op) {
    return op.isConverse() ? CONVERSE_BODY : ANTHROPIC_BODY;
  }

  static Request post(HttpUrl url, String json, String apiKey) {
    Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(json, JSON));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return request.build();
  }

  static Response execute(Request request) throws IOException {
    return CLIENT.newCall(request).execute();
  }

  /** A minimal valid request for {@code op} on Claude Haiku with the default key. */
  static Response send(BedrockEmulator emulator, BedrockOperation op) throws IOException {
    return send(emulator, HAIKU, op, bodyFor(op));
  }

  static Response send(BedrockEmulator emulator, String modelId, BedrockOperation op, String json)
      throws IOException {
    return execute(post(url(emulator, modelId, op), json, BedrockEmulator.DEFAULT_API_KEY));
  }
}
