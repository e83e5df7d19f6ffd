package dev.aperture.config.internal;

import static dev.aperture.config.internal.Documents.BASE;
import static dev.aperture.config.internal.Documents.onlyError;
import static dev.aperture.config.internal.Documents.onlyWarning;
import static dev.aperture.config.internal.Documents.read;
import static dev.aperture.config.internal.Documents.readConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigIssue;
import dev.aperture.config.Grant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrantReaderTest {
  private static final String CAP = "tailscale.com/cap/aperture";
  private static final String ENTRIES_PATH = "[\"tailscale.com/cap/aperture\"]";

  /** A document with providers bedrock-us and openai, and {@code rest}. */
  private static String doc(String rest) {
    return "{\"providers\": {\"bedrock-us\": {"
        + BASE
        + ", \"cost_basis\": \"bedrock-us\"}, \"openai\": {"
        + BASE
        + "}}, "
        + rest
        + "}";
  }

  /** {@link #doc} with quota daily-<user> too. */
  private static String docWithQuota(String rest) {
    return doc(
        "\"quotas\": {\"daily-<user>\": {\"capacity\": \"$10.00\", \"rate\": \"$10.00/day\"}}, "
            + rest);
  }

  private static String grant(String src, String entries) {
    return "{\"src\": " + src + ", \"app\": {\"" + CAP + "\": [" + entries + "]}}";
  }

  @Test
  void aGrantCollectsSourcesRoleModelsAndBuckets() {
    ApertureConfig config =
        readConfig(
            docWithQuota(
                "\"grants\": ["
                    + grant(
                        "[\"group:ai-users\", \"alice@example.com\", \"tag:ci\", \"*\"]",
                        "{\"role\": \"user\"}, {\"models\": \"bedrock-us/**\"}, {\"models\":"
                            + " \"*/gpt-*\", \"quotas\": [{\"bucket\": \"daily-<user>\"}]}")
                    + "]"));
    assertEquals(
        List.of(
            Grant.builder()
                .addSrc("group:ai-users", "alice@example.com", "tag:ci", "*")
                .role("user")
                .addModels("bedrock-us/**", "*/gpt-*")
                .addQuotaBucket("daily-<user>")
                .build()),
        config.grants());
    assertTrue(config.grantsDeclared());
    assertEquals(List.of(), config.warnings());
  }

  @Test
  void adminWinsOverUserWhateverTheOrder() {
    for (String entries :
        List.of(
            "{\"role\": \"admin\"}, {\"role\": \"user\"}",
            "{\"role\": \"user\"}, {\"role\": \"admin\", \"models\": \"**\"}")) {
      Grant g = readConfig(doc("\"grants\": [" + grant("[\"*\"]", entries) + "]")).grants().get(0);
      assertEquals(Optional.of("admin"), g.role());
    }
  }

  @Test
  void aGrantWithoutRoleHasNone() {
    Grant g =
        readConfig(doc("\"grants\": [" + grant("[\"*\"]", "{\"models\": \"**\"}") + "]"))
            .grants()
            .get(0);
    assertEquals(Optional.empty(), g.role());
    assertEquals(List.of("**"), g.models());
  }

  @Test
  void tempGrantsIsTheOlderSpellingAndFollowsGrants() {
    ApertureConfig config =
        readConfig(
            doc(
                "\"temp_grants\": ["
                    + grant("[\"old\"]", "{\"role\": \"user\"}")
                    + "], \"grants\": ["
                    + grant("[\"new\"]", "{\"role\": \"admin\"}")
                    + "]"));
    assertEquals(
        List.of(List.of("new"), List.of("old")), config.grants().stream().map(Grant::src).toList());
  }

  @Test
  void anEmptyGrantsSectionStillCountsAsDeclared() {
    assertTrue(readConfig(doc("\"temp_grants\": []")).grantsDeclared());
    ApertureConfig none = readConfig("{\"providers\": {\"p\": {" + BASE + "}}}");
    assertFalse(none.grantsDeclared());
    assertEquals(List.of(), none.grants());
  }

  @Test
  void aModelPatternNamingAnUndeclaredProviderIsAnError() {
    ConfigIssue issue =
        onlyError(
            doc(
                "\"grants\": ["
                    + grant("[\"*\"]", "{\"role\": \"user\"}, {\"models\": \"bedrock-eu/**\"}")
                    + "]"),
            "grants[0].app" + ENTRIES_PATH + "[1].models");
    assertTrue(
        issue.message().contains("names provider \"bedrock-eu\", which is not declared"),
        issue.message());
    assertTrue(issue.message().contains("declared: bedrock-us, openai"), issue.message());
  }

  @Test
  void patternsWhoseProviderPartIsAGlobAreNotChecked() {
    Grant g =
        readConfig(
                doc(
                    "\"grants\": ["
                        + grant(
                            "[\"*\"]",
                            "{\"models\": \"**\"}, {\"models\": \"bedrock-*/x\"}, {\"models\":"
                                + " \"?penai/gpt\"}, {\"models\": [\"openai/a\", \"*\"]}")
                        + "]"))
            .grants()
            .get(0);
    assertEquals(List.of("**", "bedrock-*/x", "?penai/gpt", "openai/a", "*"), g.models());
  }

  @Test
  void aBucketThatIsNotDeclaredIsAnErrorAndNamesMustMatchExactly() {
    ConfigIssue issue =
        onlyError(
            docWithQuota(
                "\"grants\": ["
                    + grant("[\"*\"]", "{\"quotas\": [{\"bucket\": \"daily-alice\"}]}")
                    + "]"),
            "grants[0].app" + ENTRIES_PATH + "[0].quotas[0].bucket");
    assertTrue(
        issue.message().contains("quota bucket \"daily-alice\" is not declared"), issue.message());
  }

  @Test
  void anUnknownRoleIsAnError() {
    ConfigIssue issue =
        onlyError(
            doc("\"grants\": [" + grant("[\"*\"]", "{\"role\": \"owner\"}") + "]"),
            "grants[0].app" + ENTRIES_PATH + "[0].role");
    assertTrue(issue.message().contains("\"user\" or \"admin\""), issue.message());
  }

  @Test
  void aGrantWithoutSrcIsAnError() {
    ConfigIssue issue =
        onlyError(
            doc("\"grants\": [{\"app\": {\"" + CAP + "\": [{\"role\": \"user\"}]}}]"),
            "grants[0].src");
    assertTrue(issue.message().contains("src is required"), issue.message());
    onlyError(doc("\"grants\": [" + grant("\"*\"", "") + "]"), "grants[0].src");
    onlyError(doc("\"grants\": [" + grant("[\"*\", 3]", "") + "]"), "grants[0].src[1]");
  }

  @Test
  void wrongShapesAreErrors() {
    onlyError(doc("\"grants\": {}"), "grants");
    onlyError(doc("\"grants\": [\"*\"]"), "grants[0]");
    onlyError(doc("\"grants\": [{\"src\": [\"*\"], \"app\": []}]"), "grants[0].app");
    onlyError(
        doc("\"grants\": [{\"src\": [\"*\"], \"app\": {\"" + CAP + "\": {}}}]"),
        "grants[0].app" + ENTRIES_PATH);
    onlyError(
        doc("\"grants\": [" + grant("[\"*\"]", "{\"models\": 3}") + "]"),
        "grants[0].app" + ENTRIES_PATH + "[0].models");
    onlyError(
        docWithQuota("\"grants\": [" + grant("[\"*\"]", "{\"quotas\": [\"daily-<user>\"]}") + "]"),
        "grants[0].app" + ENTRIES_PATH + "[0].quotas[0]");
  }

  @Test
  void otherCapabilitiesAndUnknownKeysAreIgnoredWithAWarning() {
    onlyWarning(
        doc("\"grants\": [{\"src\": [\"*\"], \"app\": {\"example.com/cap/x\": []}}]"),
        "grants[0].app[\"example.com/cap/x\"]");
    onlyWarning(
        doc(
            "\"grants\": ["
                + grant("[\"*\"]", "{\"role\": \"user\", \"providers\": [\"x\"]}")
                + "]"),
        "grants[0].app" + ENTRIES_PATH + "[0].providers");
    onlyWarning(doc("\"grants\": [{\"src\": [\"*\"]}]"), "grants[0].app");
  }

  @Test
  void aQuotaNoGrantReferencesIsAWarning() {
    ConfigIssue issue = onlyWarning(docWithQuota("\"grants\": []"), "quotas.daily-<user>");
    assertTrue(issue.message().contains("not referenced by any grant"), issue.message());
    assertEquals(1, read(docWithQuota("\"grants\": []")).config().quotas().size());
  }
}
