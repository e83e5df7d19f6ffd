package dev.aperture.examples.gateway;

import dev.aperture.access.InterceptContext;
import dev.aperture.access.InterceptDecision;
import dev.aperture.access.RequestInterceptor;
import dev.aperture.access.WebhookInterceptor;
import dev.aperture.chat.ChatRequest;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigException;
import dev.aperture.usage.UsageRecord;
import java.util.List;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration's {@code hooks} section as one interceptor of the gateway's router: every
 * webhook, in {@code preference} order, asked before each call (allow, block or modify); each is
 * handed the call's usage record after (webhooks ignore it today). A webhook cannot change the
 * caller's identity, and the router's chain checks the combined decision. A reload swaps the whole
 * set at once: {@link #prepare} builds and checks the new set without installing it, {@link
 * #install} puts it in force, so an invalid section leaves the running hooks (and configuration) in
 * place.
 */
final class ConfiguredHooks implements RequestInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ConfiguredHooks.class);

  private final OkHttpClient client;
  private volatile List<WebhookInterceptor> hooks = List.of();

  ConfiguredHooks(OkHttpClient client) {
    this.client = client;
  }

  /**
   * The webhooks {@code config} declares (none without a {@code hooks} section).
   *
   * @throws ConfigException listing every invalid hook field, under {@code hooks.<name>}
   */
  List<WebhookInterceptor> prepare(ApertureConfig config) {
    String section = config.otherSections().get("hooks");
    return section == null ? List.of() : WebhookInterceptor.fromConfig(section, client);
  }

  /** Puts {@code prepared} in force for the calls that start from now on. */
  void install(List<WebhookInterceptor> prepared) {
    hooks = List.copyOf(prepared);
  }

  /** The hooks in force, in the order they are asked. */
  List<WebhookInterceptor> hooks() {
    return hooks;
  }

  @Override
  public InterceptDecision before(InterceptContext context, ChatRequest request) {
    ChatRequest current = request;
    for (WebhookInterceptor hook : hooks) {
      InterceptDecision decision = hook.before(context, current);
      if (decision instanceof InterceptDecision.Block) {
        return decision;
      }
      if (decision instanceof InterceptDecision.Modify m) {
        current = m.request();
      }
    }
    return current == request ? InterceptDecision.allow() : InterceptDecision.modify(current);
  }

  @Override
  public void after(UsageRecord record) {
    for (WebhookInterceptor hook : hooks) {
      try {
        hook.after(record);
      } catch (RuntimeException e) {
        log.warn("hook {} failed after the call", hook, e);
      }
    }
  }

  @Override
  public String toString() {
    return "ConfiguredHooks" + hooks;
  }
}
