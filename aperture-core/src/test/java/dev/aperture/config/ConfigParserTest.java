package dev.aperture.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
  private static final ConfigParser NO_ENV = ApertureConfig.parser().env(name -> null);

  private static ConfigException errorsOf(String json) {
    return assertThrows(ConfigException.class, () -> NO_ENV.parse(json));
  }

  private static String paths(List<ConfigIssue> issues) {
    return issues.stream().map(ConfigIssue::path).collect(Collectors.joining(" | "));
  }

  @Test
  void commentsAndTrailingCommasAreAccepted() {
    ApertureConfig config =
        NO_ENV.parse(
            """
            // the gateway's docs show comments
            {
              /* a block comment */
              "providers": {
                "p": {
                  "baseurl": "https://api.example.com", // trailing comment
                  "apikey": "k-1234",
                  "models": ["m1", "m2",],
                },
              },
            }
            """);
    assertEquals(List.of("m1", "m2"), config.providers().get("p").models());
  }

  @Test
  void otherLenientSyntaxIsRejected() {
    assertEquals(1, errorsOf("{'providers': {}}").errors().size());
    assertEquals(1, errorsOf("{providers: {}}").errors().size());
    assertEquals(1, errorsOf("{\"providers\": {\"p\": {\"preference\": 01}}}").errors().size());
    assertEquals(1, errorsOf("# hash comment\n{}").errors().size());
  }

  @Test
  void invalidJsonIsOneErrorGivingLineAndColumn() {
    ConfigException e =
        errorsOf(
            """
            {
              "providers": {
                "p": {"baseurl": "https://a.example" "apikey": "x"}
              }
            }
            """);
    assertEquals(1, e.issues().size());
    ConfigIssue issue = e.issues().get(0);
    assertTrue(issue.isError());
    assertTrue(issue.message().contains("line 3, column 42"), issue.message());
    assertEquals("providers.p.baseurl", issue.path());
  }

  @Test
  void truncatedJsonSaysWhereItEnded() {
    ConfigIssue issue = errorsOf("{\"providers\": {\n").issues().get(0);
    assertTrue(issue.message().startsWith("invalid JSON at line 2"), issue.message());
  }

  @Test
  void contentAfterTheDocumentIsAnError() {
    ConfigIssue issue = errorsOf("{} {}").issues().get(0);
    assertTrue(issue.message().contains("line 1, column 4"), issue.message());
    assertTrue(issue.message().contains("after the end"), issue.message());
  }

  @Test
  void anEmptyDocumentOrANonObjectIsAnError() {
    assertTrue(errorsOf("  // nothing\n").getMessage().contains("empty"));
    ConfigIssue issue = errorsOf("[1, 2]").errors().get(0);
    assertEquals("", issue.path());
    assertTrue(issue.message().contains("must be a JSON object"), issue.message());
  }

  @Test
  void anUnquotedSecretInBrokenJsonIsNotQuotedBack() {
    ConfigException e = errorsOf("{\"providers\": {\"p\": {\"apikey\": sk-SECRET-123}}}");
    assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void everyDuplicateKeyIsAnErrorWithItsPlace() {
    ConfigException e =
        errorsOf(
            """
            {"providers": {"p": {"baseurl": "https://a.example", "apikey": "k-1234",
                                 "models": ["m"], "apikey": "other"}},
             "providers": {}}
            """);
    assertEquals(2, e.errors().size(), e.getMessage());
    assertEquals("providers | providers.p.apikey", paths(e.errors()));
    assertTrue(
        e.errors().get(0).message().contains("duplicate key \"providers\" at line 3, column 2"));
    assertTrue(e.errors().get(1).message().contains("duplicate key \"apikey\" at line 2"));
    assertFalse(e.getMessage().contains("other"), e.getMessage());
  }

  @Test
  void macrosAreResolvedWithTheInjectedLookup() {
    Map<String, String> env = Map.of("BEDROCK_KEY", "bk-1234", "REGION", "eu-west-1", "EMPTY", "");
    ApertureConfig config =
        ApertureConfig.parser()
            .env(env::get)
            .parse(
                """
                {"providers": {"bedrock": {
                  "baseurl": "https://bedrock-runtime.${REGION}.amazonaws.com",
                  "apikey": "${BEDROCK_KEY}",
                  "models": ["${REGION}:${REGION}", "a${EMPTY}b", "${not closed"],
                  "cost_basis": "bedrock-eu",
                  "compatibility": {"bedrock_converse": true}}}}
                """);
    ProviderConfig p = config.providers().get("bedrock");
    assertEquals("https://bedrock-runtime.eu-west-1.amazonaws.com", p.baseUrl());
    assertEquals("bk-1234", p.apiKey());
    assertEquals(List.of("eu-west-1:eu-west-1", "ab", "${not closed"), p.models());
  }

  @Test
  void aMacroResolvesOnceAndIsNotExpandedAgain() {
    ApertureConfig config =
        ApertureConfig.parser()
            .env(name -> name.equals("A") ? "${B}" : "unused")
            .parse(
                "{\"providers\": {\"p\": {\"baseurl\": \"https://a.example\","
                    + " \"apikey\": \"k-1234\", \"models\": [\"${A}\"]}}}");
    assertEquals(List.of("${B}"), config.providers().get("p").models());
  }

  @Test
  void anUnresolvedMacroIsFatalAndNamesTheMacroAndWhereItIs() {
    ConfigException e =
        errorsOf(
            """
            {"providers": {"p": {"baseurl": "https://${HOST}/v1", "apikey": "k-1234",
                                 "models": ["m"]}}}
            """);
    // One mistake, one error: the baseurl is not also reported as malformed.
    assertEquals(1, e.issues().size(), e.getMessage());
    ConfigIssue issue = e.issues().get(0);
    assertEquals("providers.p.baseurl", issue.path());
    assertTrue(issue.message().contains("${HOST}"), issue.message());
  }

  @Test
  void anUnresolvedMacroInTheApiKeyIsNamed() {
    ConfigIssue issue =
        errorsOf(
                "{\"providers\": {\"p\": {\"baseurl\": \"https://a.example\","
                    + " \"apikey\": \"${OPENAI_KEY}\", \"models\": [\"m\"]}}}")
            .errors()
            .get(0);
    assertEquals("providers.p.apikey", issue.path());
    assertTrue(issue.message().contains("macro ${OPENAI_KEY} is not defined"), issue.message());
  }

  @Test
  void aMalformedMacroIsAnError() {
    ConfigIssue issue =
        errorsOf(
                "{\"providers\": {\"p\": {\"baseurl\": \"https://a.example\","
                    + " \"apikey\": \"${MY-KEY}\", \"models\": [\"m\"]}}}")
            .errors()
            .get(0);
    assertEquals("providers.p.apikey", issue.path());
    assertTrue(issue.message().contains("malformed macro"), issue.message());
  }

  @Test
  void macroValuesNeverAppearInMessages() {
    List<ConfigIssue> issues =
        ApertureConfig.parser()
            .env(name -> "model-SECRET-42")
            .validate(
                "{\"providers\": {\"p\": {\"baseurl\": \"https://a.example\","
                    + " \"apikey\": \"k-1234\", \"models\": [\"${M}\", \"${M}\"]}}}");
    assertEquals(1, issues.size(), issues.toString());
    assertEquals("providers.p.models[1]", issues.get(0).path());
    assertTrue(issues.get(0).message().contains("listed twice"), issues.get(0).message());
    assertFalse(issues.get(0).message().contains("model-SECRET-42"), issues.get(0).message());
  }

  @Test
  void allErrorsAreReportedTogetherInOneException() {
    ConfigException e =
        errorsOf(
            """
            {"providers": {
               "a": {"apikey": "k-1234", "models": ["m"]},
               "b": {"baseurl": "https://b.example", "apikey": "k-1234", "models": ["m"],
                     "authorization": "basic"},
               "c": {"baseurl": "https://c.example", "apikey": "k-1234", "models": ["m"],
                     "preference": "high"}}}
            """);
    assertEquals(3, e.errors().size(), e.getMessage());
    assertEquals(
        "providers.a.baseurl | providers.b.authorization | providers.c.preference",
        paths(e.errors()));
    assertTrue(e.getMessage().startsWith("invalid configuration (3 errors):"), e.getMessage());
  }

  @Test
  void issuesAreListedInDocumentOrder() {
    List<ConfigIssue> issues =
        NO_ENV.validate(
            """
            {"zeta": 1,
             "providers": {"p": {"baseurl": "https://a.example", "models": ["m", "m"],
                                 "disabled": "no"}},
             "alpha": 2}
            """);
    assertEquals(
        "zeta | providers.p.apikey | providers.p.models[1] | providers.p.disabled | alpha",
        paths(issues));
  }

  @Test
  void aSecretKeyNeverAppearsInAnyMessageOrToString() {
    String secret = "sk-SECRET-123";
    String broken =
        """
        {"providers": {"p": {"baseurl": "ftp://nope", "apikey": "sk-SECRET-123",
                             "authorization": "Bearer sk-SECRET-123",
                             "models": ["sk-SECRET-123", "sk-SECRET-123"],
                             "add_headers": ["sk-SECRET-123"],
                             "cost_basis": "sk-SECRET-123",
                             "auth_mode": "sk-SECRET-123"}},
         "quotas": {"q": {"capacity": "sk-SECRET-123", "rate": "sk-SECRET-123"}},
         "grants": [{"src": ["*"], "app": {"tailscale.com/cap/aperture": [
             {"role": "sk-SECRET-123"}, {"models": "sk-SECRET-123/**"},
             {"quotas": [{"bucket": "sk-SECRET-123"}]}]}}]}
        """;
    ConfigException e = errorsOf(broken);
    assertTrue(e.errors().size() >= 10, e.getMessage());
    assertFalse(e.getMessage().contains(secret), e.getMessage());
    for (ConfigIssue issue : e.issues()) {
      assertFalse(issue.toString().contains(secret), issue.toString());
    }
    for (ConfigIssue issue : NO_ENV.validate(broken)) {
      assertFalse(issue.toString().contains(secret), issue.toString());
    }

    ApertureConfig ok =
        NO_ENV.parse(
            """
            {"providers": {"p": {"baseurl": "https://a.example", "apikey": "sk-SECRET-123",
                                 "models": ["m"], "surprise": 1}}}
            """);
    assertFalse(ok.toString().contains(secret), ok.toString());
    assertFalse(ok.providers().get("p").toString().contains(secret));
    assertFalse(ok.warnings().toString().contains(secret));
  }

  @Test
  void warningsDoNotStopParsingAndAreKeptInTheConfig() {
    ApertureConfig config =
        NO_ENV.parse(
            """
            {"providers": {"p": {"baseurl": "https://a.example", "models": ["m"]}},
             "hooks": {}}
            """);
    assertEquals("providers.p.apikey | hooks", paths(config.warnings()));
    assertTrue(config.warnings().stream().noneMatch(ConfigIssue::isError));
  }

  @Test
  void keptAndUnknownSectionsWarnThatTheyAreNotActedOn() {
    List<ConfigIssue> issues =
        NO_ENV.validate(
            """
            {"providers": {"p": {"baseurl": "https://a.example", "apikey": "k-1234",
                                 "models": ["m"]}},
             "hooks": {}, "exporters": {}, "database": {}, "mcp": {}, "dashbord": {}}
            """);
    assertEquals("hooks | exporters | database | mcp | dashbord", paths(issues));
    for (ConfigIssue issue : issues.subList(0, 4)) {
      assertFalse(issue.isError());
      assertTrue(issue.message().contains("not acted on"), issue.message());
    }
    assertTrue(issues.get(4).message().contains("unknown section \"dashbord\""));
    assertTrue(
        issues.get(0).message().contains("WebhookInterceptor.fromConfig"),
        "hooks can be acted on: " + issues.get(0).message());
  }

  @Test
  void missingProvidersIsAnError() {
    ConfigIssue issue = errorsOf("{\"grants\": []}").errors().get(0);
    assertEquals("providers", issue.path());
    assertTrue(issue.message().contains("providers is required"), issue.message());
    assertEquals("providers", errorsOf("{\"providers\": {}}").errors().get(0).path());
    assertTrue(
        errorsOf("{\"providers\": []}").errors().get(0).message().contains("must be an object"));
  }

  @Test
  void autoCostBasisMustBeABoolean() {
    ConfigIssue issue =
        errorsOf(
                "{\"auto_cost_basis\": \"yes\", \"providers\": {\"p\": {\"baseurl\":"
                    + " \"https://a.example\", \"apikey\": \"k-1234\", \"models\": [\"m\"]}}}")
            .errors()
            .get(0);
    assertEquals("auto_cost_basis", issue.path());
    assertTrue(issue.message().contains("must be true or false, not a string"), issue.message());
  }

  @Test
  void validateNeverThrowsAndReportsBrokenJson() {
    List<ConfigIssue> issues = NO_ENV.validate("{\"providers\": ");
    assertEquals(1, issues.size());
    assertTrue(issues.get(0).isError());
    assertEquals(
        List.of(),
        NO_ENV.validate(
            "{\"providers\": {\"p\": {\"baseurl\": \"https://a.example\", \"apikey\": \"k-1234\","
                + " \"models\": [\"m\"]}}}"));
  }

  @Test
  void byteInputMustBeUtf8AndMayStartWithAByteOrderMark() {
    byte[] ok =
        ("\uFEFF{\"providers\": {\"p\": {\"baseurl\": \"https://a.example\", \"apikey\":"
                + " \"k-1234\", \"models\": [\"caf\u00e9\"]}}}")
            .getBytes(StandardCharsets.UTF_8);
    ApertureConfig config = NO_ENV.parse(new java.io.ByteArrayInputStream(ok));
    assertEquals(List.of("caf\u00e9"), config.providers().get("p").models());
    assertEquals(Set.of(ApiFormat.OPENAI_CHAT), config.providers().get("p").compatibility());

    byte[] latin1 = "{\"providers\": {\"caf\u00e9\": {}}}".getBytes(StandardCharsets.ISO_8859_1);
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> NO_ENV.parse(new java.io.ByteArrayInputStream(latin1)));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }
}
