package dev.aperture.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigIssue;
import dev.aperture.config.ProviderConfig;
import java.util.List;

/** Small configuration documents and lookups over what reading them found. */
final class Documents {
  /** The fields every valid provider needs. */
  static final String BASE =
      "\"baseurl\": \"https://api.example.com\", \"apikey\": \"key-1234\", \"models\": [\"m1\"]";

  private Documents() {}

  static ConfigReader.Result read(String json) {
    return new ConfigReader(name -> null).read(json);
  }

  /** A document whose only provider, {@code p}, has {@code fields}. */
  static String provider(String fields) {
    return "{\"providers\": {\"p\": {" + fields + "}}}";
  }

  /** Provider {@code p} of a document that must read without errors. */
  static ProviderConfig readProvider(String json) {
    ApertureConfig config = readConfig(json);
    ProviderConfig p = config.providers().get("p");
    assertNotNull(p);
    return p;
  }

  /** A document that must read without errors. */
  static ApertureConfig readConfig(String json) {
    ConfigReader.Result r = read(json);
    assertFalse(r.hasErrors(), r.issues().toString());
    return r.config();
  }

  /** The one issue reading {@code json} finds. */
  static ConfigIssue onlyIssue(String json) {
    List<ConfigIssue> issues = read(json).issues();
    assertEquals(1, issues.size(), issues.toString());
    return issues.get(0);
  }

  /** The one issue reading {@code json} finds, which must be an error at {@code path}. */
  static ConfigIssue onlyError(String json, String path) {
    ConfigIssue issue = onlyIssue(json);
    assertEquals(ConfigIssue.Severity.ERROR, issue.severity(), issue.toString());
    assertEquals(path, issue.path());
    return issue;
  }

  /** The one issue reading {@code json} finds, which must be a warning at {@code path}. */
  static ConfigIssue onlyWarning(String json, String path) {
    ConfigIssue issue = onlyIssue(json);
    assertEquals(ConfigIssue.Severity.WARNING, issue.severity(), issue.toString());
    assertEquals(path, issue.path());
    return issue;
  }
}
