package dev.aperture.openai;

import java.util.Locale;

/**
 * A base64 {@code data:} URL as OpenAI clients send inline images and files, e.g. {@code
 * data:image/png;base64,iVBOR...}. The data stays base64, as the canonical model keeps it.
 */
record DataUrl(String mediaType, String base64Data) {
  private static final String PREFIX = "data:";

  /** Whether {@code url} is a {@code data:} URL (of any encoding). */
  static boolean isDataUrl(String url) {
    return url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /**
   * Parses a base64 data URL. The media type is lower-cased; parameters other than {@code base64}
   * (e.g. {@code charset}) are ignored. Throws {@link IllegalArgumentException} saying what is
   * wrong when {@code url} is not a base64 data URL with a media type.
   */
  static DataUrl parse(String url) {
    if (!isDataUrl(url)) {
      throw new IllegalArgumentException("not a data: URL");
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      throw new IllegalArgumentException("a data: URL needs a ',' before its data");
    }
    String[] meta = url.substring(PREFIX.length(), comma).split(";", -1);
    String mediaType = meta[0].trim().toLowerCase(Locale.ROOT);
    if (mediaType.isEmpty() || mediaType.indexOf('/') < 1) {
      throw new IllegalArgumentException("a data: URL needs a media type, e.g. data:image/png");
    }
    boolean base64 = false;
    for (int i = 1; i < meta.length; i++) {
      if (meta[i].trim().equalsIgnoreCase("base64")) {
        base64 = true;
      }
    }
    if (!base64) {
      throw new IllegalArgumentException("only base64 data: URLs are supported (…;base64,DATA)");
    }
    String data = url.substring(comma + 1);
    if (data.isEmpty()) {
      throw new IllegalArgumentException("the data: URL carries no data");
    }
    return new DataUrl(mediaType, data);
  }

  /** This URL as text: {@code data:<mediaType>;base64,<data>}. */
  String url() {
    return PREFIX + mediaType + ";base64," + base64Data;
  }
}
