package dev.aperture.chat;

import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One piece of a message's content. A closed union: switch over the records. Binary data is kept
 * base64-encoded, as every wire format carries it, so translation never re-encodes it.
 */
public sealed interface ContentPart
    permits ContentPart.Text,
        ContentPart.Image,
        ContentPart.Document,
        ContentPart.ToolCall,
        ContentPart.ToolResult,
        ContentPart.Reasoning,
        ContentPart.RedactedReasoning,
        ContentPart.CachePoint,
        ContentPart.Unknown {

  static Text text(String text) {
    return new Text(text);
  }

  /** Plain text. */
  record Text(String text) implements ContentPart {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image, either inline ({@code mediaType} such as {@code image/png} plus base64 data) or by
   * URL (then {@code base64Data} is null).
   */
  record Image(String mediaType, String base64Data, String url) implements ContentPart {
    public Image {
      if ((base64Data == null) == (url == null)) {
        throw new IllegalArgumentException("an image has either inline data or a url, not both");
      }
      if (base64Data != null) {
        Objects.requireNonNull(mediaType, "mediaType");
      }
    }

    public static Image ofBytes(String mediaType, byte[] bytes) {
      return new Image(mediaType, Base64.getEncoder().encodeToString(bytes), null);
    }

    public static Image ofBase64(String mediaType, String base64Data) {
      return new Image(mediaType, base64Data, null);
    }

    public static Image ofUrl(String url) {
      return new Image(null, null, url);
    }

    public boolean isInline() {
      return base64Data != null;
    }

    /** The decoded bytes of an inline image. */
    public byte[] bytes() {
      if (base64Data == null) {
        throw new IllegalStateException("image is a url, not inline data");
      }
      return Base64.getDecoder().decode(base64Data);
    }
  }

  /**
   * A document such as a PDF: {@code format} is the file type ({@code pdf}, {@code csv}, {@code
   * txt}, …), {@code name} a neutral display name, data base64.
   */
  record Document(String format, String name, String base64Data) implements ContentPart {
    public Document {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(base64Data, "base64Data");
    }
  }

  /**
   * A call the assistant made to a tool. {@code argumentsJson} is a JSON object's text; a call
   * without arguments has {@code "{}"}, never an empty string.
   */
  record ToolCall(String id, String name, String argumentsJson) implements ContentPart {
    public ToolCall {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      if (argumentsJson == null || argumentsJson.isBlank()) {
        argumentsJson = "{}";
      }
    }
  }

  /**
   * The caller's answer to a tool call: content parts (text, images, documents) and an error flag.
   */
  record ToolResult(String toolCallId, List<ContentPart> content, boolean isError)
      implements ContentPart {
    public ToolResult {
      Objects.requireNonNull(toolCallId, "toolCallId");
      content = List.copyOf(content);
    }

    public static ToolResult ofText(String toolCallId, String text) {
      return new ToolResult(toolCallId, List.of(new Text(text)), false);
    }

    /** The text parts joined. */
    public String text() {
      StringBuilder sb = new StringBuilder();
      for (ContentPart p : content) {
        if (p instanceof Text t) {
          sb.append(t.text());
        }
      }
      return sb.toString();
    }
  }

  /**
   * The model's visible reasoning ("thinking"). The {@code signature} must be sent back unchanged
   * with the reasoning in later turns; it may be null for reasoning that has none.
   */
  record Reasoning(String text, String signature) implements ContentPart {
    public Reasoning {
      Objects.requireNonNull(text, "text");
    }
  }

  /** Reasoning the provider encrypted: opaque base64 data to send back unchanged. */
  record RedactedReasoning(String data) implements ContentPart {
    public RedactedReasoning {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A prompt-cache breakpoint: everything before it may be cached. {@code ttl} is null (provider
   * default, 5 minutes), {@code "5m"} or {@code "1h"}.
   */
  record CachePoint(String ttl) implements ContentPart {
    public static final CachePoint DEFAULT = new CachePoint(null);

    public CachePoint {
      if (ttl != null && !ttl.equals("5m") && !ttl.equals("1h")) {
        throw new IllegalArgumentException("cache point ttl must be 5m or 1h, not " + ttl);
      }
    }
  }

  /**
   * A block the canonical model has no type for (e.g. Bedrock {@code guardContent}), kept as the
   * provider's raw JSON so it is not lost: {@code type} is the provider's block name.
   */
  record Unknown(String type, String json) implements ContentPart {
    public Unknown {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(json, "json");
    }
  }
}
