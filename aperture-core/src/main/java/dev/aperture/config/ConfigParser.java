package dev.aperture.config;

import dev.aperture.config.internal.ConfigReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads configuration documents: JSON with comments and trailing commas, {@code ${NAME}} macros in
 * string values. Get one from {@link ApertureConfig#parser()}.
 *
 * <p>Macros are looked up with {@link #env(Function)}; by default in the process environment. This
 * is the only place the library reads the environment.
 *
 * <p>{@code parse} reports every error of a document in one {@link ConfigException}; warnings end
 * up in {@link ApertureConfig#warnings()} and are logged once, at WARN. No message contains an API
 * key or a value a macro produced.
 *
 * <p>Immutable and thread-safe (as long as the lookup is).
 */
public final class ConfigParser {
  private static final Logger log = LoggerFactory.getLogger(ConfigParser.class);

  static final ConfigParser DEFAULT = new ConfigParser(System::getenv);

  private final ConfigReader reader;

  private ConfigParser(Function<String, String> env) {
    this.reader = new ConfigReader(env);
  }

  /**
   * A parser like this one that resolves {@code ${NAME}} with {@code lookup}, which answers null
   * for a name it does not define (an error naming the macro).
   */
  public ConfigParser env(Function<String, String> lookup) {
    return new ConfigParser(Objects.requireNonNull(lookup, "lookup"));
  }

  /**
   * Reads a document.
   *
   * @throws ConfigException listing every error found
   */
  public ApertureConfig parse(String json) {
    return accept(reader.read(Objects.requireNonNull(json, "json")));
  }

  /**
   * Reads a UTF-8 file.
   *
   * @throws ConfigException if the file cannot be read, listing every error found otherwise
   */
  public ApertureConfig parse(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(ConfigIssue.error("", "cannot read " + file + ": " + reason(e))), e);
    }
    return accept(reader.read(bytes));
  }

  /**
   * Reads a UTF-8 document to the end of {@code in}. The stream is not closed: whoever opened it
   * closes it.
   *
   * @throws ConfigException if the stream fails, listing every error found otherwise
   */
  public ApertureConfig parse(InputStream in) {
    Objects.requireNonNull(in, "in");
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ConfigException(
          List.of(ConfigIssue.error("", "cannot read the configuration: " + reason(e))), e);
    }
    return accept(reader.read(bytes));
  }

  /**
   * Every issue in a document, errors and warnings, in document order; empty when it is clean.
   * Never throws for a bad document and logs nothing.
   */
  public List<ConfigIssue> validate(String json) {
    return reader.read(Objects.requireNonNull(json, "json")).issues();
  }

  private static ApertureConfig accept(ConfigReader.Result result) {
    if (result.hasErrors()) {
      throw new ConfigException(result.issues());
    }
    for (ConfigIssue warning : result.config().warnings()) {
      log.warn("configuration {}", warning);
    }
    return result.config();
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e.getMessage() == null) {
      return e.getClass().getSimpleName();
    }
    return e.getMessage();
  }
}
