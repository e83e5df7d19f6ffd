package dev.aperture.examples.gateway;

import dev.aperture.config.ConfigException;
import dev.aperture.config.ConfigIssue;
import java.io.IOException;

/**
 * {@code java -jar aperture-gateway.jar [--config FILE] [--port N] [--bind ADDR] [--identity-header
 * NAME]}: starts a {@link Gateway} and prints {@code listening on http://ADDR:PORT} once it accepts
 * requests. Exit codes: 1 for an invalid configuration (every error on stderr) or an address that
 * cannot be listened on, 2 for a bad command line (usage on stderr).
 */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) {
    Launch launch = launch(args, GatewayConsole.system());
    if (launch.gateway() == null) {
      System.exit(launch.exitCode());
    }
    Gateway gateway = launch.gateway();
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "aperture-gateway-shutdown"));
    // the HTTP server's threads keep the process running
  }

  /**
   * What came of a start: a running gateway, or none and the exit code.
   *
   * @param gateway the running gateway, or null
   * @param exitCode the process's exit code when there is no gateway
   */
  record Launch(Gateway gateway, int exitCode) {}

  /** Reads {@code args} and starts a gateway; never exits the process. */
  static Launch launch(String[] args, GatewayConsole console) {
    GatewayOptions options;
    try {
      options = GatewayOptions.parse(args);
    } catch (GatewayOptions.BadArgumentsException e) {
      console.problem("aperture-gateway: " + e.getMessage());
      console.problem(GatewayOptions.USAGE);
      return new Launch(null, 2);
    }
    if (options == null) {
      console.info(GatewayOptions.USAGE);
      return new Launch(null, 0);
    }
    try {
      Gateway gateway = Gateway.start(options, console);
      console.info("listening on " + gateway.baseUrl());
      return new Launch(gateway, 0);
    } catch (ConfigException e) {
      StringBuilder sb =
          new StringBuilder("aperture-gateway: invalid configuration ")
              .append(options.config() == null ? "(embedded default)" : options.config())
              .append(':');
      for (ConfigIssue issue : e.errors()) {
        sb.append("\n  ").append(issue);
      }
      console.problem(sb.toString());
      return new Launch(null, 1);
    } catch (IOException e) {
      console.problem(
          "aperture-gateway: cannot listen on "
              + options.bind()
              + ":"
              + options.port()
              + ": "
              + e.getMessage());
      return new Launch(null, 1);
    }
  }
}
