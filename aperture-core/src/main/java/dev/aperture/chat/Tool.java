package dev.aperture.chat;

import java.util.Objects;

/**
 * A tool the model may call. {@code parametersJsonSchema} is the JSON Schema of its arguments as
 * JSON text (root {@code type: object}); {@code description} may be empty.
 */
public record Tool(String name, String description, String parametersJsonSchema) {
  private static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

  public Tool {
    Objects.requireNonNull(name, "name");
    description = description == null ? "" : description;
    if (parametersJsonSchema == null || parametersJsonSchema.isBlank()) {
      parametersJsonSchema = EMPTY_OBJECT_SCHEMA;
    }
  }

  /** A tool that takes no arguments. */
  public static Tool withoutParameters(String name, String description) {
    return new Tool(name, description, EMPTY_OBJECT_SCHEMA);
  }
}
