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
   * Whether {@code len} chars of {@code chars} from {@code off} are a {@code data:} URL; the same
   * case-insensitive comparison as {@link String#regionMatches(boolean, int, String, int, int)}.
   */
  static boolean isDataUrl(char[] chars, int off, int len) {
    if (len < PREFIX.length()) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      char c1 = chars[off + i];
      char c2 = PREFIX.charAt(i);
      if (c1 != c2) {
        char u1 = Character.toUpperCase(c1);
        char u2 = Character.toUpperCase(c2);
        if (u1 != u2 && Character.toLowerCase(u1) != Character.toLowerCase(u2)) {
          return false;
        }
      }
    }
    return true;
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
      throw noComma();
    }
    String mediaType = mediaType(url.substring(PREFIX.length(), comma));
    String data = url.substring(comma + 1);
    if (data.isEmpty()) {
      throw noData();
    }
    return new DataUrl(mediaType, data);
  }

  /**
   * Parses a base64 data URL given as {@code len} chars of {@code chars} from {@code off}, as
   * {@link #parse(String)} does, without making a String of the whole URL: only of its data.
   */
  static DataUrl parse(char[] chars, int off, int len) {
    if (!isDataUrl(chars, off, len)) {
      throw new IllegalArgumentException("not a data: URL");
    }
    int end = off + len;
    int comma = -1;
    for (int i = off + PREFIX.length(); i < end; i++) {
      if (chars[i] == ',') {
        comma = i;
        break;
      }
    }
    if (comma < 0) {
      throw noComma();
    }
    int metaStart = off + PREFIX.length();
    String mediaType = mediaType(new String(chars, metaStart, comma - metaStart));
    if (comma + 1 == end) {
      throw noData();
    }
    return new DataUrl(mediaType, new String(chars, comma + 1, end - comma - 1));
  }

  /** The lower-cased media type of the text between {@code data:} and the comma. */
  private static String mediaType(String meta) {
    String[] parts = meta.split(";", -1);
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    if (mediaType.isEmpty() || mediaType.indexOf('/') < 1) {
      throw new IllegalArgumentException("a data: URL needs a media type, e.g. data:image/png");
    }
    boolean base64 = false;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].trim().equalsIgnoreCase("base64")) {
        base64 = true;
      }
    }
    if (!base64) {
      throw new IllegalArgumentException("only base64 data: URLs are supported (…;base64,DATA)");
    }
    return mediaType;
  }

  private static IllegalArgumentException noComma() {
    return new IllegalArgumentException("a data: URL needs a ',' before its data");
  }

  private static IllegalArgumentException noData() {
    return new IllegalArgumentException("the data: URL carries no data");
  }

  /** This URL as text: {@code data:<mediaType>;base64,<data>}. */
  String url() {
    return PREFIX + mediaType + ";base64," + base64Data;
  }
}
