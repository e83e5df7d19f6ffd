package dev.aperture.examples.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The gateway's command line: {@code [--config FILE] [--port N] [--bind ADDR] [--identity-header
 * NAME]}. Each option also accepts the {@code --name=value} spelling.
 *
 * @param config the configuration file; null for the embedded default (the Bedrock emulator)
 * @param port the TCP port; 0 picks a free one
 * @param bind the address to listen on
 * @param identityHeader the request header that names the caller; null when callers are not named
 */
public record GatewayOptions(Path config, int port, String bind, String identityHeader) {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** What {@code --help} prints, and what a bad command line gets on stderr. */
  public static final String USAGE =
      """
      usage: java -jar aperture-gateway.jar [--config FILE] [--port N] [--bind ADDR]
                                            [--identity-header NAME]

        --config FILE           Aperture configuration (JSON); watched and reloaded on change.
                                Without it the gateway starts an in-process Bedrock emulator
                                and a demo configuration (no AWS account needed).
        --port N                TCP port to listen on (default %d; 0 = any free port)
        --bind ADDR             address to listen on (default %s)
        --identity-header NAME  take the caller's identity from this request header, e.g.
                                X-Forwarded-User. Only safe behind a proxy that authenticates
                                callers and sets (or strips) the header: anyone who can reach
                                the gateway directly can claim any identity with it. Without
                                it, only loopback callers are served (as "(loopback)").
        --help                  show this help

      Endpoints: POST /v1/chat/completions, POST /v1/messages,
        POST /bedrock/model/{id}/invoke|invoke-with-response-stream|converse|converse-stream,
        GET /v1/models, GET /api/sessions"""
          .formatted(DEFAULT_PORT, DEFAULT_BIND);

  public GatewayOptions {
    Objects.requireNonNull(bind, "bind");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
    }
  }

  /** The defaults: embedded emulator, port 8080, loopback only, no identity header. */
  public static GatewayOptions defaults() {
    return new GatewayOptions(null, DEFAULT_PORT, DEFAULT_BIND, null);
  }

  /** These options with {@code port}. */
  public GatewayOptions withPort(int port) {
    return new GatewayOptions(config, port, bind, identityHeader);
  }

  /** These options with configuration file {@code config}. */
  public GatewayOptions withConfig(Path config) {
    return new GatewayOptions(config, port, bind, identityHeader);
  }

  /** These options with identity header {@code name}. */
  public GatewayOptions withIdentityHeader(String name) {
    return new GatewayOptions(config, port, bind, name);
  }

  /** Thrown for a command line that cannot be used; the message says what is wrong. */
  public static final class BadArgumentsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadArgumentsException(String message) {
      super(message);
    }
  }

  /**
   * Reads a command line. Returns null when {@code --help} was asked for.
   *
   * @throws BadArgumentsException naming the first problem
   */
  public static GatewayOptions parse(String... args) {
    Path config = null;
    int port = DEFAULT_PORT;
    String bind = DEFAULT_BIND;
    String identityHeader = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--config", "--port", "--bind", "--identity-header" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new BadArgumentsException(name + " needs a value");
            }
            value = args[++i];
          }
          if (value.isBlank()) {
            throw new BadArgumentsException(name + " needs a non-empty value");
          }
        }
        default -> throw new BadArgumentsException("unknown argument: " + arg);
      }
      switch (name) {
        case "--config" -> config = Path.of(value);
        case "--port" -> port = port(value);
        case "--bind" -> bind = value;
        default -> identityHeader = header(value);
      }
    }
    return new GatewayOptions(config, port, bind, identityHeader);
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadArgumentsException("--port must be a number from 0 to 65535, not '" + value + "'");
  }

  /** A header name must be an HTTP token. */
  private static String header(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        throw new BadArgumentsException("--identity-header is not a valid header name: " + value);
      }
    }
    return value;
  }
}
