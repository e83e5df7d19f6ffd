package dev.aperture.examples.gateway;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Where the gateway talks to its operator: one line per event, status on {@code out}, problems on
 * {@code err}. Lines never contain a provider credential (the library keeps keys out of messages).
 * Thread-safe ({@link PrintStream#println} is).
 */
public record GatewayConsole(PrintStream out, PrintStream err) {
  public GatewayConsole {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }

  /** The process's standard output and error. */
  public static GatewayConsole system() {
    return new GatewayConsole(System.out, System.err);
  }

  void info(String line) {
    out.println(line);
  }

  void problem(String line) {
    err.println(line);
  }
}
