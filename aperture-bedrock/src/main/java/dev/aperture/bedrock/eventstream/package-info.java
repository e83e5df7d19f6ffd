/**
 * The AWS event-stream codec ({@code application/vnd.amazon.eventstream}): the binary framing
 * Bedrock uses for {@code ConverseStream} and {@code InvokeModelWithResponseStream} answers.
 *
 * <p>{@link dev.aperture.bedrock.eventstream.EventStreamDecoder} reads frames one at a time from an
 * Okio source on the caller's thread; {@link dev.aperture.bedrock.eventstream.EventStreamEncoder}
 * writes them (for tests, emulators and passthrough). Neither knows what the payloads mean.
 */
package dev.aperture.bedrock.eventstream;
