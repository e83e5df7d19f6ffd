/**
 * The canonical chat model: requests, responses, content parts, stream events and usage, able to
 * express what OpenAI chat, Anthropic Messages and Bedrock Converse can, so a translation never
 * silently drops meaning.
 */
@ValueStyle
package dev.aperture.chat;

import dev.aperture.internal.ValueStyle;
