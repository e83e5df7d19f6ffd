package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OpenAiWireTest {
  @Test
  void documentFormatsAndMediaTypesAreInverses() {
    for (String format :
        new String[] {"pdf", "csv", "txt", "html", "md", "doc", "docx", "xls", "xlsx"}) {
      assertEquals(format, OpenAiWire.documentFormat(OpenAiWire.documentMediaType(format)));
    }
    assertEquals("pdf", OpenAiWire.documentFormat("Application/PDF"));
    assertNull(OpenAiWire.documentFormat("application/zip"));
    assertNull(OpenAiWire.documentMediaType("epub"));
  }
}
