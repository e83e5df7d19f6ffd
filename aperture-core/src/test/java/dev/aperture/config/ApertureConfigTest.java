package dev.aperture.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApertureConfigTest {
  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ApertureConfigTest.class.getResource(name).toURI());
  }

  @Test
  void oneRegionBedrockExampleFromTheGatewayDocsParsesExactly() throws Exception {
    ApertureConfig config = ApertureConfig.parse(resource("bedrock-one-region.json"));

    assertEquals(List.of("bedrock"), List.copyOf(config.providers().keySet()));
    ProviderConfig p = config.providers().get("bedrock");
    assertEquals("bedrock", p.id());
    assertEquals("https://bedrock-runtime.us-east-1.amazonaws.com", p.baseUrl());
    assertEquals("<your-bedrock-api-key>", p.apiKey());
    assertEquals(AuthorizationScheme.BEARER, p.authorization());
    assertEquals(
        List.of(
            "us.anthropic.claude-haiku-4-5-20251001-v1:0",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "us.anthropic.claude-opus-4-5-20251101-v1:0",
            "us.anthropic.claude-opus-4-6-v1"),
        p.models());
    assertEquals(Optional.of("bedrock-us"), p.costBasis());
    assertTrue(p.costBasisExplicit());
    assertEquals(Set.of(ApiFormat.BEDROCK_MODEL_INVOKE), p.compatibility());
    assertEquals(0, p.preference());
    assertFalse(p.disabled());
    assertEquals(List.of(), p.addHeaders());
    assertEquals(List.of(), p.modelCostMap());
    assertEquals("", p.name());
    assertEquals("", p.description());
    assertEquals(AuthMode.SHARED_KEY, p.authMode());

    assertEquals(List.of(), config.grants());
    assertFalse(config.grantsDeclared());
    assertEquals(java.util.Map.of(), config.quotas());
    assertTrue(config.autoCostBasis());
    assertEquals(java.util.Map.of(), config.otherSections());
    assertEquals(List.of(), config.warnings());
  }

  @Test
  void twoRegionBedrockExampleFromTheGatewayDocsParsesExactly() throws Exception {
    ApertureConfig config = ApertureConfig.parse(resource("bedrock-two-regions.json"));

    assertEquals(List.of("bedrock-us", "bedrock-eu"), List.copyOf(config.providers().keySet()));

    ProviderConfig us = config.provider("bedrock-us").orElseThrow();
    assertEquals("bedrock-us", us.id());
    assertEquals("https://bedrock-runtime.us-east-1.amazonaws.com", us.baseUrl());
    assertEquals("<your-us-token>", us.apiKey());
    assertEquals(AuthorizationScheme.BEARER, us.authorization());
    assertEquals(List.of("us.anthropic.claude-sonnet-4-5-20250929-v1:0"), us.models());
    assertEquals(Optional.of("bedrock-us"), us.costBasis());
    assertTrue(us.costBasisExplicit());
    assertEquals(Set.of(ApiFormat.BEDROCK_MODEL_INVOKE), us.compatibility());

    ProviderConfig eu = config.provider("bedrock-eu").orElseThrow();
    assertEquals("bedrock-eu", eu.id());
    assertEquals("https://bedrock-runtime.eu-west-1.amazonaws.com", eu.baseUrl());
    assertEquals("<your-eu-token>", eu.apiKey());
    assertEquals(AuthorizationScheme.BEARER, eu.authorization());
    assertEquals(List.of("eu.anthropic.claude-sonnet-4-5-20250929-v1:0"), eu.models());
    assertEquals(Optional.of("bedrock-eu"), eu.costBasis());
    assertTrue(eu.costBasisExplicit());
    assertEquals(Set.of(ApiFormat.BEDROCK_MODEL_INVOKE), eu.compatibility());

    assertEquals(List.of(), config.warnings());
  }

  @Test
  void stringPathAndStreamEntryPointsReadTheSameConfig() throws Exception {
    Path file = resource("bedrock-two-regions.json");
    String json = Files.readString(file);
    ApertureConfig fromString = ApertureConfig.parse(json);
    ApertureConfig fromFile = ApertureConfig.parse(file);
    ApertureConfig fromStream;
    try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
      fromStream = ApertureConfig.parse(in);
    }
    assertEquals(fromString, fromFile);
    assertEquals(fromString, fromStream);
  }

  @Test
  void aMissingFileIsAConfigExceptionNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    ConfigException e = assertThrows(ConfigException.class, () -> ApertureConfig.parse(missing));
    assertEquals(1, e.errors().size());
    assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void aFailingStreamIsAConfigExceptionWithTheCause() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk on fire");
          }
        };
    ConfigException e = assertThrows(ConfigException.class, () -> ApertureConfig.parse(broken));
    assertTrue(e.getCause() instanceof IOException);
    assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
  }

  @Test
  void providerToStringMasksTheKeyAndHeaderValues() {
    ApertureConfig config =
        ApertureConfig.parse(
            """
            {"providers": {"p": {
              "baseurl": "https://api.example.com",
              "apikey": "sk-SECRET-123",
              "models": ["m1"],
              "add_headers": ["X-Portkey-Api-Key: hdr-SECRET-456"]
            }}}
            """);
    ProviderConfig p = config.providers().get("p");
    assertEquals("sk-SECRET-123", p.apiKey());
    assertEquals("hdr-SECRET-456", p.addHeaders().get(0).value());
    assertFalse(p.toString().contains("sk-SECRET-123"), p.toString());
    assertFalse(p.toString().contains("hdr-SECRET-456"), p.toString());
    assertTrue(p.toString().contains("X-Portkey-Api-Key"), p.toString());
    assertFalse(config.toString().contains("sk-SECRET-123"), config.toString());
    assertFalse(config.toString().contains("hdr-SECRET-456"), config.toString());
  }

  @Test
  void keptSectionsAreRawJsonAndLeftOutOfToString() {
    ApertureConfig config =
        ApertureConfig.parser()
            .env(name -> name.equals("HOOK_TOKEN") ? "hook-SECRET-789" : null)
            .parse(
                """
                {"providers": {"p": {"baseurl": "https://a.example", "apikey": "k-1234",
                                     "models": ["m"]}},
                 "hooks": {"pre": {"url": "https://hooks.example", "token": "${HOOK_TOKEN}"}},
                 "exporters": [1, 2],
                 "database": {"path": "/var/lib/aperture.db"},
                 "mcp": {},
                 "dashboard": true}
                """);
    assertEquals(
        List.of("hooks", "exporters", "database", "mcp", "dashboard"),
        List.copyOf(config.otherSections().keySet()));
    assertEquals(
        "{\"pre\":{\"url\":\"https://hooks.example\",\"token\":\"hook-SECRET-789\"}}",
        config.otherSections().get("hooks"));
    assertEquals("[1,2]", config.otherSections().get("exporters"));
    assertEquals("true", config.otherSections().get("dashboard"));
    assertFalse(config.toString().contains("hook-SECRET-789"), config.toString());
  }

  @Test
  void parserIsSharedAndEnvReturnsAnotherParser() {
    ConfigParser base = ApertureConfig.parser();
    assertTrue(base == ApertureConfig.parser());
    assertFalse(base == base.env(name -> null));
  }
}
