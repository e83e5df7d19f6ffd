package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataUrlTest {
  @Test
  void aBase64DataUrlSplitsIntoMediaTypeAndData() {
    DataUrl url = DataUrl.parse("data:image/PNG;base64,iVBORw0KGgo=");

    assertEquals(new DataUrl("image/png", "iVBORw0KGgo="), url);
    assertEquals("data:image/png;base64,iVBORw0KGgo=", url.url());
  }

  @Test
  void parametersBeforeBase64AreIgnored() {
    assertEquals(
        new DataUrl("text/plain", "aGk="),
        DataUrl.parse("DATA:text/plain;charset=utf-8;base64,aGk="));
  }

  @Test
  void onlyDataUrlsAreDataUrls() {
    assertTrue(DataUrl.isDataUrl("Data:image/png;base64,AA=="));
    assertFalse(DataUrl.isDataUrl("https://example.com/data:x"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "data:image/png;base64",
        "data:image/png,AAAA",
        "data:;base64,AAAA",
        "data:image/png;base64,",
        "https://example.com/a.png"
      })
  void anythingButABase64DataUrlWithAMediaTypeIsRefused(String url) {
    assertThrows(IllegalArgumentException.class, () -> DataUrl.parse(url));
    assertThrows(IllegalArgumentException.class, () -> parseChars(url));
  }

  /** {@code url} inside a larger buffer, as the streaming parser hands it over. */
  private static DataUrl parseChars(String url) {
    char[] chars = ("xx" + url + ",yy").toCharArray();
    return DataUrl.parse(chars, 2, url.length());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "data:image/PNG;base64,iVBORw0KGgo=",
        "DATA:text/plain;charset=utf-8;base64,aGk=",
        "dAtA: image/png ; BASE64 ,a,b,c",
        "data:image/png;base64;x=1,QQ",
        "data:image/png;base64,",
        "data:image/png;base64",
        "data:image/png,AAAA",
        "data:;base64,AAAA",
        "data:",
        "data",
        "",
        "d\u0130ta:image/png;base64,AA",
        "https://example.com/a.png"
      })
  void theCharArrayParserAgreesWithTheStringParser(String url) {
    boolean isData = DataUrl.isDataUrl(url);
    assertEquals(isData, DataUrl.isDataUrl(("x" + url).toCharArray(), 1, url.length()));
    DataUrl expected;
    try {
      expected = DataUrl.parse(url);
    } catch (IllegalArgumentException e) {
      IllegalArgumentException e2 =
          assertThrows(IllegalArgumentException.class, () -> parseChars(url));
      assertEquals(e.getMessage(), e2.getMessage());
      return;
    }
    assertEquals(expected, parseChars(url));
  }
}
