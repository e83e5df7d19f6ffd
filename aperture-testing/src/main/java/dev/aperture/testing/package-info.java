/**
 * Test support: {@link dev.aperture.testing.BedrockEmulator}, a fake Amazon Bedrock Runtime on
 * MockWebServer with scripted {@link dev.aperture.testing.Reply replies}, {@link
 * dev.aperture.testing.Failure failures} and stream faults, for the project's tests and for users'
 * unit tests.
 */
package dev.aperture.testing;
