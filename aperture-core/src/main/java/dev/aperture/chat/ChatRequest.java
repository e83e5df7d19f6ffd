package dev.aperture.chat;

import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.immutables.value.Value;

/**
 * A chat request in the canonical model, provider-neutral. Build with {@link #builder()}; derive a
 * variant with the generated {@code with*} methods.
 */
@Value.Immutable
public abstract class ChatRequest {
  /** The model: a bare model id, or {@code provider/model} to pick the provider explicitly. */
  public abstract String model();

  /** The conversation, oldest first. */
  public abstract List<Message> messages();

  public abstract List<Tool> tools();

  public abstract Optional<ToolChoice> toolChoice();

  /** Whether the model may call several tools in one turn; empty means the provider's default. */
  public abstract Optional<Boolean> parallelToolCalls();

  /** Upper bound on generated tokens; codecs for APIs that require one supply a default. */
  public abstract OptionalInt maxTokens();

  public abstract OptionalDouble temperature();

  public abstract OptionalDouble topP();

  public abstract OptionalInt topK();

  public abstract List<String> stopSequences();

  /** Extended-thinking token budget (Anthropic {@code thinking.budget_tokens}). */
  public abstract OptionalInt reasoningBudgetTokens();

  /**
   * OpenAI-style reasoning effort: {@code minimal}, {@code low}, {@code medium} or {@code high}.
   */
  public abstract Optional<String> reasoningEffort();

  /** Who is calling; anonymous unless the host says otherwise. */
  @Value.Default
  public Identity identity() {
    return Identity.ANONYMOUS;
  }

  /**
   * The wire format the request arrived in, when it was decoded from one (e.g. {@code
   * openai_chat}); recorded as the usage record's {@code api_in}. Empty for requests built in code.
   */
  public abstract Optional<ApiFormat> inboundFormat();

  /** The conversation's session id when the client sent one. */
  public abstract Optional<String> sessionId();

  /** Free-form request metadata (Bedrock {@code requestMetadata}). */
  public abstract Map<String, String> metadata();

  /**
   * Provider-specific top-level fields as JSON text by name, passed to the provider as they are
   * (Bedrock Converse: merged into {@code additionalModelRequestFields}; Anthropic InvokeModel:
   * body fields such as {@code anthropic_beta}).
   */
  public abstract Map<String, String> extraFields();

  @Value.Check
  protected void check() {
    if (model().isBlank()) {
      throw new IllegalStateException("model must not be empty");
    }
    if (maxTokens().isPresent() && maxTokens().getAsInt() <= 0) {
      throw new IllegalStateException("maxTokens must be positive, not " + maxTokens().getAsInt());
    }
  }

  public static ImmutableChatRequest.Builder builder() {
    return ImmutableChatRequest.builder();
  }
}
