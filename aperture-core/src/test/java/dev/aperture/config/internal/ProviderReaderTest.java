package dev.aperture.config.internal;

import static dev.aperture.config.internal.Documents.BASE;
import static dev.aperture.config.internal.Documents.onlyError;
import static dev.aperture.config.internal.Documents.onlyWarning;
import static dev.aperture.config.internal.Documents.provider;
import static dev.aperture.config.internal.Documents.read;
import static dev.aperture.config.internal.Documents.readProvider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.config.AuthMode;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ConfigIssue;
import dev.aperture.config.ModelCostRule;
import dev.aperture.config.ProviderConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderReaderTest {
  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "expected \"" + part + "\" in: " + text);
    }
  }

  @Test
  void everyFieldIsRead() {
    ProviderConfig p =
        readProvider(
            provider(
                """
                "baseurl": "https://api.anthropic.com/v1/",
                "apikey": "sk-ant-1234",
                "authorization": "x-api-key",
                "models": ["claude-a", "claude-b"],
                "compatibility": {"anthropic_messages": true, "openai_chat": false},
                "cost_basis": "anthropic",
                "preference": -3,
                "disabled": true,
                "add_headers": ["anthropic-beta:  tools-1 ", " X-Two :a:b"],
                "model_cost_map": [{"match": "claude-*", "as": "claude-sonnet-4-5",
                                    "adjustment": 1.5},
                                   {"match": "x?", "as": "y"}],
                "name": "Anthropic",
                "description": "direct",
                "auth_mode": "passthrough"
                """));
    assertEquals("p", p.id());
    assertEquals("https://api.anthropic.com/v1", p.baseUrl());
    assertEquals("sk-ant-1234", p.apiKey());
    assertEquals(AuthorizationScheme.X_API_KEY, p.authorization());
    assertEquals(List.of("claude-a", "claude-b"), p.models());
    assertEquals(Set.of(ApiFormat.ANTHROPIC_MESSAGES), p.compatibility());
    assertEquals(Optional.of("anthropic"), p.costBasis());
    assertTrue(p.costBasisExplicit());
    assertEquals(-3, p.preference());
    assertTrue(p.disabled());
    assertEquals(
        List.of(
            ProviderConfig.Header.of("anthropic-beta", "tools-1"),
            ProviderConfig.Header.of("X-Two", "a:b")),
        p.addHeaders());
    assertEquals(
        List.of(
            ModelCostRule.builder()
                .match("claude-*")
                .as("claude-sonnet-4-5")
                .adjustment(1.5)
                .build(),
            ModelCostRule.builder().match("x?").as("y").adjustment(1.0).build()),
        p.modelCostMap());
    assertEquals("Anthropic", p.name());
    assertEquals("direct", p.description());
    assertEquals(AuthMode.PASSTHROUGH, p.authMode());
  }

  @Test
  void defaultsApplyWhenFieldsAreLeftOut() {
    ProviderConfig p = readProvider(provider(BASE));
    assertEquals(AuthorizationScheme.BEARER, p.authorization());
    assertEquals(Set.of(ApiFormat.OPENAI_CHAT), p.compatibility());
    assertEquals(Optional.of("openai"), p.costBasis());
    assertFalse(p.costBasisExplicit());
    assertEquals(0, p.preference());
    assertFalse(p.disabled());
    assertEquals(AuthMode.SHARED_KEY, p.authMode());
  }

  @Test
  void onlyOneTrailingSlashIsStrippedFromTheBaseUrl() {
    String json =
        provider(
            "\"baseurl\": \"https://a.example/v1//\", \"apikey\": \"k-1234\", \"models\": [\"m\"]");
    assertEquals("https://a.example/v1/", readProvider(json).baseUrl());
  }

  @Test
  void aMissingBaseUrlIsAnError() {
    ConfigIssue issue =
        onlyError(provider("\"apikey\": \"k-1234\", \"models\": [\"m\"]"), "providers.p.baseurl");
    assertContains(issue.message(), "baseurl is required");
  }

  @Test
  void anEmptyBaseUrlIsAnError() {
    ConfigIssue issue =
        onlyError(
            provider("\"baseurl\": \" \", \"apikey\": \"k-1234\", \"models\": [\"m\"]"),
            "providers.p.baseurl");
    assertContains(issue.message(), "must not be empty");
  }

  @Test
  void aBaseUrlThatIsNotHttpIsAnErrorThatDoesNotQuoteIt() {
    for (String url :
        List.of("ftp://a.example", "a.example/v1", "https:///v1", "http://user:pw@/x")) {
      ConfigIssue issue =
          onlyError(
              provider("\"baseurl\": \"" + url + "\", \"apikey\": \"k-1234\", \"models\": [\"m\"]"),
              "providers.p.baseurl");
      assertContains(issue.message(), "http:// or https:// URL");
      assertFalse(issue.message().contains(url), issue.message());
    }
  }

  @Test
  void missingOrEmptyModelsAreErrors() {
    String noModels = provider("\"baseurl\": \"https://a.example\", \"apikey\": \"k-1234\"");
    assertContains(onlyError(noModels, "providers.p.models").message(), "models is required");
    String empty =
        provider("\"baseurl\": \"https://a.example\", \"apikey\": \"k-1234\", \"models\": []");
    assertContains(onlyError(empty, "providers.p.models").message(), "at least one model");
  }

  @Test
  void aModelThatIsNotAStringIsAnError() {
    String json =
        provider(
            "\"baseurl\": \"https://a.example\", \"apikey\": \"k-1234\", \"models\": [\"m\", 7]");
    assertContains(
        onlyError(json, "providers.p.models[1]").message(), "must be a string, not a whole number");
  }

  @Test
  void aModelListedTwiceIsAnError() {
    String json =
        provider(
            "\"baseurl\": \"https://a.example\", \"apikey\": \"k-1234\","
                + " \"models\": [\"m\", \"n\", \"m\"]");
    assertContains(
        onlyError(json, "providers.p.models[2]").message(),
        "model \"m\" is listed twice",
        "models[0]");
  }

  @Test
  void anUnknownAuthorizationIsAnErrorListingTheAllowedOnes() {
    ConfigIssue issue =
        onlyError(provider(BASE + ", \"authorization\": \"basic\""), "providers.p.authorization");
    assertContains(issue.message(), "bearer, x-api-key, x-goog-api-key");
  }

  @Test
  void eachAuthorizationSchemeIsRecognised() {
    assertEquals(
        AuthorizationScheme.X_GOOG_API_KEY,
        readProvider(provider(BASE + ", \"authorization\": \"x-goog-api-key\"")).authorization());
    assertEquals(
        AuthorizationScheme.BEARER,
        readProvider(provider(BASE + ", \"authorization\": \"Bearer\"")).authorization());
  }

  @Test
  void anUnknownCompatibilityFlagIsAnErrorListingTheFlags() {
    ConfigIssue issue =
        onlyError(
            provider(BASE + ", \"compatibility\": {\"bedrock_invoke\": true}"),
            "providers.p.compatibility.bedrock_invoke");
    assertContains(
        issue.message(),
        "unknown compatibility flag \"bedrock_invoke\"",
        "openai_chat, openai_responses, anthropic_messages, gemini_generate_content,"
            + " google_generate_content, google_raw_predict, bedrock_model_invoke,"
            + " bedrock_converse");
  }

  @Test
  void aCompatibilityFlagMustBeABoolean() {
    ConfigIssue issue =
        onlyError(
            provider(BASE + ", \"compatibility\": {\"openai_chat\": \"true\"}"),
            "providers.p.compatibility.openai_chat");
    assertContains(issue.message(), "must be true or false, not a string");
  }

  @Test
  void onlyTrueFlagsAreEnabledAndSeveralMayBe() {
    ProviderConfig p =
        readProvider(
            provider(
                BASE
                    + ", \"cost_basis\": \"bedrock\", \"compatibility\": {\"bedrock_model_invoke\":"
                    + " true, \"bedrock_converse\": true, \"openai_chat\": false}"));
    assertEquals(
        EnumSet.of(ApiFormat.BEDROCK_MODEL_INVOKE, ApiFormat.BEDROCK_CONVERSE), p.compatibility());
  }

  @Test
  void noEnabledFlagIsAWarning() {
    ConfigIssue issue =
        onlyWarning(
            provider(BASE + ", \"compatibility\": {\"openai_chat\": false}"),
            "providers.p.compatibility");
    assertContains(issue.message(), "no API format is enabled");
  }

  @Test
  void anUnknownCostBasisIsAnErrorListingTheAllowedOnes() {
    ConfigIssue issue =
        onlyError(provider(BASE + ", \"cost_basis\": \"aws\""), "providers.p.cost_basis");
    assertContains(
        issue.message(),
        "anthropic, openai, google, vertex, bedrock, bedrock-us, bedrock-eu, bedrock-ap, azure,"
            + " azure-eu, openrouter, vercel");
  }

  @ParameterizedTest
  @CsvSource({
    "anthropic_messages, anthropic",
    "openai_chat, openai",
    "openai_responses, openai",
    "gemini_generate_content, google",
    "google_generate_content, vertex",
    "google_raw_predict, vertex",
  })
  void costBasisIsInferredFromTheFlag(String flag, String costBasis) {
    ProviderConfig p =
        readProvider(provider(BASE + ", \"compatibility\": {\"" + flag + "\": true}"));
    assertEquals(Optional.of(costBasis), p.costBasis());
    assertFalse(p.costBasisExplicit());
  }

  @Test
  void theMostSpecificFlagDecidesTheInferredCostBasis() {
    ProviderConfig p =
        readProvider(
            provider(
                BASE
                    + ", \"compatibility\": {\"openai_chat\": true, \"anthropic_messages\": true,"
                    + " \"google_raw_predict\": true}"));
    assertEquals(Optional.of("vertex"), p.costBasis());
  }

  @Test
  void aBedrockProviderWithoutCostBasisGetsNoCostsAndAWarning() {
    String json =
        provider(BASE + ", \"compatibility\": {\"bedrock_converse\": true, \"openai_chat\": true}");
    ConfigIssue issue = onlyWarning(json, "providers.p.cost_basis");
    assertContains(
        issue.message(),
        "costs will not be computed",
        "bedrock, bedrock-us, bedrock-eu or bedrock-ap");
    ProviderConfig p = read(json).config().providers().get("p");
    assertEquals(Optional.empty(), p.costBasis());
    assertFalse(p.costBasisExplicit());
  }

  @Test
  void withoutAutoCostBasisOnlyExplicitCostBasesCount() {
    String json =
        "{\"auto_cost_basis\": false, \"providers\": {"
            + "\"p\": {"
            + BASE
            + ", \"compatibility\": {\"anthropic_messages\": true}},"
            + "\"q\": {"
            + BASE
            + ", \"cost_basis\": \"Azure-EU\"}}}";
    ConfigReader.Result r = read(json);
    assertEquals(List.of(), r.issues());
    assertFalse(r.config().autoCostBasis());
    assertEquals(Optional.empty(), r.config().providers().get("p").costBasis());
    assertEquals(Optional.of("azure-eu"), r.config().providers().get("q").costBasis());
    assertTrue(r.config().providers().get("q").costBasisExplicit());
  }

  @Test
  void preferenceMustBeAWholeNumber() {
    assertContains(
        onlyError(provider(BASE + ", \"preference\": 1.5"), "providers.p.preference").message(),
        "preference must be a whole number",
        "not a decimal number");
    assertContains(
        onlyError(provider(BASE + ", \"preference\": \"5\""), "providers.p.preference").message(),
        "not a string");
    onlyError(provider(BASE + ", \"preference\": 3000000000"), "providers.p.preference");
  }

  @Test
  void disabledMustBeABoolean() {
    assertContains(
        onlyError(provider(BASE + ", \"disabled\": 1"), "providers.p.disabled").message(),
        "disabled must be true or false");
  }

  @Test
  void textFieldsMustBeStrings() {
    onlyError(provider(BASE + ", \"name\": 1"), "providers.p.name");
    onlyError(provider(BASE + ", \"description\": []"), "providers.p.description");
    onlyError(provider(BASE.replace("\"key-1234\"", "true")), "providers.p.apikey");
    onlyError(
        provider(BASE + ", \"compatibility\": [\"openai_chat\"]"), "providers.p.compatibility");
    onlyError(provider(BASE + ", \"add_headers\": \"X: y\""), "providers.p.add_headers");
    onlyError(provider(BASE + ", \"model_cost_map\": {}"), "providers.p.model_cost_map");
  }

  @Test
  void jsonNullCountsAsLeftOut() {
    ProviderConfig p = readProvider(provider(BASE + ", \"preference\": null, \"name\": null"));
    assertEquals(0, p.preference());
    assertEquals("", p.name());
  }

  @Test
  void aHeaderEntryWithoutAColonOrNameIsAnError() {
    assertContains(
        onlyError(
                provider(BASE + ", \"add_headers\": [\"X-Token abc\"]"),
                "providers.p.add_headers[0]")
            .message(),
        "has no ':'");
    assertContains(
        onlyError(
                provider(BASE + ", \"add_headers\": [\"Ok: 1\", \" : abc\"]"),
                "providers.p.add_headers[1]")
            .message(),
        "the name is empty");
    assertContains(
        onlyError(
                provider(BASE + ", \"add_headers\": [\"Bad Name: abc\"]"),
                "providers.p.add_headers[0]")
            .message(),
        "characters HTTP does not allow");
    assertContains(
        onlyError(
                provider(BASE + ", \"add_headers\": [\"X: a\\r\\nY: b\"]"),
                "providers.p.add_headers[0]")
            .message(),
        "line breaks");
    assertContains(
        onlyError(provider(BASE + ", \"add_headers\": [42]"), "providers.p.add_headers[0]")
            .message(),
        "must be a string");
  }

  @Test
  void aNegativeAdjustmentIsAnError() {
    ConfigIssue issue =
        onlyError(
            provider(
                BASE
                    + ", \"model_cost_map\": [{\"match\": \"a*\", \"as\": \"b\", \"adjustment\":"
                    + " -0.5}]"),
            "providers.p.model_cost_map[0].adjustment");
    assertContains(issue.message(), "at least 0");
  }

  @Test
  void aCostRuleNeedsMatchAndAs() {
    ConfigReader.Result r =
        read(
            provider(
                BASE
                    + ", \"model_cost_map\": [{\"adjustment\": 2}, {\"match\": \"a\", \"as\":"
                    + " 3}]"));
    assertEquals(
        List.of(
            "providers.p.model_cost_map[0].match",
            "providers.p.model_cost_map[0].as",
            "providers.p.model_cost_map[1].as"),
        r.issues().stream().map(ConfigIssue::path).toList());
    assertTrue(r.hasErrors());
  }

  @Test
  void aMissingOrEmptyApiKeyIsAWarning() {
    String missing = provider("\"baseurl\": \"https://a.example\", \"models\": [\"m\"]");
    assertContains(
        onlyWarning(missing, "providers.p.apikey").message(), "sent without a credential");
    String empty =
        provider("\"baseurl\": \"https://a.example\", \"apikey\": \"\", \"models\": [\"m\"]");
    onlyWarning(empty, "providers.p.apikey");
  }

  @Test
  void aPassthroughProviderNeedsNoApiKey() {
    String json =
        provider(
            "\"baseurl\": \"https://a.example\", \"models\": [\"m\"], \"auth_mode\":"
                + " \"passthrough\"");
    ConfigReader.Result r = read(json);
    assertEquals(List.of(), r.issues());
    assertEquals(AuthMode.PASSTHROUGH, r.config().providers().get("p").authMode());
    assertEquals("", r.config().providers().get("p").apiKey());
  }

  @Test
  void anUnknownAuthModeIsAnError() {
    assertContains(
        onlyError(provider(BASE + ", \"auth_mode\": \"oauth\""), "providers.p.auth_mode").message(),
        "\"passthrough\"");
  }

  @Test
  void anUnknownProviderFieldIsAWarningThatItIsIgnored() {
    assertContains(
        onlyWarning(provider(BASE + ", \"base_url\": \"x\""), "providers.p.base_url").message(),
        "unknown provider field \"base_url\" is ignored");
  }

  @Test
  void aProviderIdWithASlashOrAProviderThatIsNotAnObjectIsAnError() {
    String slash = "{\"providers\": {\"a/b\": {" + BASE + "}}}";
    assertContains(onlyError(slash, "providers.a/b").message(), "must not contain '/'");
    onlyError("{\"providers\": {\"p\": \"https://a.example\"}}", "providers.p");
  }

  @Test
  void providerIdsThatNeedQuotingAreBracketedInPaths() {
    onlyError(
        "{\"providers\": {\"us.east\": {" + BASE + ", \"disabled\": 0}}}",
        "providers[\"us.east\"].disabled");
  }
}
