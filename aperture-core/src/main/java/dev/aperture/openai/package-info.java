/**
 * The OpenAI chat-completions wire format: {@link dev.aperture.openai.OpenAiChatCodec} translates
 * request, response and error JSON to and from the canonical chat model, and {@link
 * dev.aperture.openai.OpenAiChunkWriter} turns a canonical event stream into {@code
 * chat.completion.chunk} server-sent events.
 */
package dev.aperture.openai;
