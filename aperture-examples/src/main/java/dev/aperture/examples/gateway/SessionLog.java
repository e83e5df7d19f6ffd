package dev.aperture.examples.gateway;

import dev.aperture.ApiFormat;
import dev.aperture.usage.ImmutableUsageRecord;
import dev.aperture.usage.UsageListener;
import dev.aperture.usage.UsageLog;
import dev.aperture.usage.UsageRecord;
import java.util.List;

/**
 * The gateway's usage records ("sessions"), kept in memory for {@code GET /api/sessions} and
 * printed one line each on the console, so a run shows routing, translation, tokens and cost.
 *
 * <p>The router's unified calls ({@code chat}, {@code stream}) record no inbound format; in this
 * gateway only {@code POST /v1/chat/completions} makes them, so such records are stored with {@code
 * api_in} {@code openai_chat}. Thread-safe.
 */
final class SessionLog implements UsageListener {
  private final UsageLog log;
  private final GatewayConsole console;

  SessionLog(int capacity, GatewayConsole console) {
    this.log = UsageLog.withCapacity(capacity);
    this.console = console;
  }

  @Override
  public void onUsage(UsageRecord record) {
    UsageRecord stored =
        record.apiIn().isPresent()
            ? record
            : ImmutableUsageRecord.copyOf(record).withApiIn(ApiFormat.OPENAI_CHAT);
    log.onUsage(stored);
    console.info(describe(stored));
  }

  /** The kept records, oldest first. */
  List<UsageRecord> records() {
    return log.records();
  }

  /**
   * One console line, in plain ASCII punctuation so that any console shows it, e.g. {@code
   * openai_chat -> bedrock/us.anthropic... via bedrock_converse: 200, 12 in + 8 out tokens,
   * $0.000052 (bedrock-us/claude-haiku-4-5), 41 ms, caller (loopback)}.
   */
  static String describe(UsageRecord r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.apiIn().map(ApiFormat::configKey).orElse("chat"))
        .append(" -> ")
        .append(r.provider())
        .append('/')
        .append(r.upstreamModel())
        .append(" via ")
        .append(r.apiOut().configKey())
        .append(r.streamed() ? " (stream)" : "")
        .append(": ")
        .append(r.status())
        .append(", ")
        .append(r.usage().totalInputTokens())
        .append(" in + ")
        .append(r.usage().outputTokens())
        .append(" out tokens, ");
    if (r.cost().isPresent()) {
      sb.append('$')
          .append(r.cost().get().usd().toPlainString())
          .append(" (")
          .append(r.cost().get().basis())
          .append(')');
    } else {
      sb.append("no cost");
    }
    sb.append(", ").append(r.durationMillis()).append(" ms");
    sb.append(", caller ").append(r.identity().isEmpty() ? "(anonymous)" : r.identity());
    r.error().ifPresent(e -> sb.append(", error: ").append(e));
    return sb.toString();
  }
}
