/**
 * Translation between the canonical chat model and Bedrock's wire bodies: {@link
 * dev.aperture.bedrock.codec.ConverseCodec} for Converse, {@link
 * dev.aperture.bedrock.codec.AnthropicInvokeCodec} for InvokeModel with Anthropic Claude. Pure
 * functions of their input: no HTTP, no shared mutable state, safe to use from any thread.
 */
package dev.aperture.bedrock.codec;
