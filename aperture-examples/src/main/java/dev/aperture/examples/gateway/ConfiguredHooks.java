package dev.aperture.examples.gateway;

import dev.aperture.access.InterceptContext;
import dev.aperture.access.InterceptDecision;
import dev.aperture.access.InterceptorChain;
import dev.aperture.access.RequestBlockedException;
import dev.aperture.access.RequestInterceptor;
import dev.aperture.access.WebhookInterceptor;
import dev.aperture.chat.ChatRequest;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigException;
import dev.aperture.usage.UsageRecord;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * The configuration's {@code hooks} section as one interceptor of the gateway's router: every
 * webhook, in {@code preference} order, asked before each call (allow, block or modify); each is
 * handed the call's usage record after (webhooks ignore it today). The hooks run as an {@link
 * InterceptorChain} of their own, so each hook's decision is checked as the router's chain checks
 * an interceptor's. A reload swaps the whole set at once: {@link #prepare} builds and checks the
 * new set without installing it, {@link #install} puts it in force, so an invalid section leaves
 * the running hooks (and configuration) in place.
 */
final class ConfiguredHooks implements RequestInterceptor {
  private final OkHttpClient client;
  private volatile Installed installed = new Installed(List.of(), InterceptorChain.EMPTY);

  /** The hooks in force and their chain, swapped together. */
  private record Installed(List<WebhookInterceptor> hooks, InterceptorChain chain) {}

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
    List<WebhookInterceptor> next = List.copyOf(prepared);
    installed = new Installed(next, InterceptorChain.of(next));
  }

  /** The hooks in force, in the order they are asked. */
  List<WebhookInterceptor> hooks() {
    return installed.hooks();
  }

  /** The hooks' own chain decides; its block becomes this interceptor's. */
  @Override
  public InterceptDecision before(InterceptContext context, ChatRequest request) {
    ChatRequest after;
    try {
      after = installed.chain().before(context, request);
    } catch (RequestBlockedException e) {
      return InterceptDecision.block(e.httpStatus(), e.getMessage());
    }
    return after == request ? InterceptDecision.allow() : InterceptDecision.modify(after);
  }

  @Override
  public void after(UsageRecord record) {
    installed.chain().after(record);
  }

  @Override
  public String toString() {
    return "ConfiguredHooks" + installed.hooks();
  }
}
