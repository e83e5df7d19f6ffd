package dev.aperture.examples.gateway;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigException;
import dev.aperture.config.ConfigIssue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches a configuration file and applies every valid edit. One daemon thread reads the file every
 * {@link #DEFAULT_INTERVAL} and compares a digest of its bytes with the last version seen. Reading
 * a configuration file (a few kilobytes) four times a second costs next to nothing, and unlike a
 * {@link java.nio.file.WatchService} or a modification-time check it sees every edit: one that
 * replaces the file by a rename, one on a file system without change notification, and one that
 * keeps the file's size and lands within its timestamp's granularity (a rotated key is often as
 * long as the old one). A changed file is parsed and handed to the consumer (the router's {@code
 * reload}, which swaps the configuration atomically). A file that does not parse, or that the
 * consumer refuses with a {@link ConfigException}, is reported with every error on the console's
 * error stream, and the running configuration stays; the next edit is tried again.
 */
final class ConfigWatcher implements AutoCloseable {
  /** How often the file is read. */
  static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

  private final Path file;
  private final GatewayConsole console;
  private byte[] lastDigest; // only touched by the constructor's caller, then the poller thread
  private ScheduledExecutorService poller;

  private ConfigWatcher(Path file, GatewayConsole console) {
    this.file = file;
    this.console = console;
  }

  /**
   * Reads {@code file} for the first time.
   *
   * @return the watcher (not yet watching) and the configuration
   * @throws ConfigException if the file cannot be read or is invalid (every error listed)
   */
  static Loaded load(Path file, GatewayConsole console) {
    ConfigWatcher watcher = new ConfigWatcher(file, console);
    byte[] bytes = watcher.read();
    watcher.lastDigest = digest(bytes);
    return new Loaded(watcher, parse(bytes));
  }

  /** A watcher with the configuration it read first. */
  record Loaded(ConfigWatcher watcher, ApertureConfig config) {}

  /** Starts watching: every valid change is handed to {@code apply}. */
  synchronized void start(Consumer<ApertureConfig> apply) {
    if (poller != null) {
      throw new IllegalStateException("already watching " + file);
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "aperture-config-watcher");
              t.setDaemon(true);
              return t;
            });
    long millis = DEFAULT_INTERVAL.toMillis();
    poller.scheduleWithFixedDelay(() -> check(apply), millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Reads the file once and applies it if it changed; runs on the poller thread. */
  void check(Consumer<ApertureConfig> apply) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      // Mid-rename or deleted: keep running on what we have, try again next time. Report once.
      if (lastDigest != null) {
        console.problem(
            "configuration "
                + file
                + " cannot be read ("
                + e
                + "); the running configuration stays");
        lastDigest = null;
      }
      return;
    }
    byte[] digest = digest(bytes);
    if (Arrays.equals(digest, lastDigest)) {
      return;
    }
    lastDigest = digest;
    try {
      ApertureConfig config = parse(bytes);
      apply.accept(config);
      console.info(
          "configuration reloaded from "
              + file
              + ": "
              + config.providers().size()
              + " provider(s)");
      report(config.warnings());
    } catch (ConfigException e) {
      StringBuilder sb =
          new StringBuilder("configuration ")
              .append(file)
              .append(" not applied; the running configuration stays:");
      for (ConfigIssue issue : e.errors()) {
        sb.append("\n  ").append(issue);
      }
      console.problem(sb.toString());
    } catch (RuntimeException e) {
      console.problem(
          "configuration " + file + " not applied (" + e + "); the running configuration stays");
    }
  }

  /** Reports a configuration's warnings on the error stream. */
  void report(List<ConfigIssue> warnings) {
    for (ConfigIssue w : warnings) {
      if (w.path().equals("hooks")) {
        continue; // the library's "kept but not acted on": the gateway acts on hooks itself
      }
      console.problem("configuration " + file + ": " + w);
    }
  }

  private byte[] read() {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(ConfigIssue.error("", "cannot read " + file + ": " + e.getMessage())), e);
    }
  }

  private static ApertureConfig parse(byte[] bytes) {
    return ApertureConfig.parse(new String(bytes, StandardCharsets.UTF_8));
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
