package dev.aperture.benchmarks;

import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.openai.OpenAiChatCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The translations on the unary path, one at a time: OpenAI JSON to the canonical request, the
 * canonical request to Converse and to Anthropic InvokeModel bytes, and the answers back. Time per
 * operation, in microseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmarks {
  @Param({"TYPICAL", "LARGE"})
  public Fixtures.Size size;

  private OpenAiChatCodec openAi;
  private OpenAiChatCodec openAiForgetful;
  private ConverseCodec converse;
  private AnthropicInvokeCodec anthropic;
  private byte[] openAiRequest;
  private ChatRequest chatRequest;
  private ChatResponse chatResponse;
  private byte[] converseResponse;
  private byte[] anthropicResponse;

  @Setup
  public void setUp() {
    Fixtures f = Fixtures.of(size);
    openAi = OpenAiChatCodec.create();
    openAiForgetful = openAi.withoutRequestMemory();
    converse = new ConverseCodec();
    anthropic = new AnthropicInvokeCodec();
    openAiRequest = f.openAiRequest();
    chatRequest = openAi.decodeRequest(openAiRequest).chatRequest();
    converseResponse = f.converseResponse();
    anthropicResponse = f.anthropicResponse();
    chatResponse = converse.decodeResponse(converseResponse, Fixtures.MODEL, "bedrock-bench");
  }

  /** OpenAI request JSON → canonical request. */
  @Benchmark
  public ChatRequest openAiDecodeRequest() {
    return openAi.decodeRequest(openAiRequest).chatRequest();
  }

  /** Canonical request → Converse request bytes. */
  @Benchmark
  public byte[] converseEncodeRequest() {
    return converse.encodeRequest(chatRequest, Fixtures.MODEL);
  }

  /** OpenAI request JSON → canonical request → Converse request bytes: the gateway's way in. */
  @Benchmark
  public byte[] openAiToConverse() {
    return converse.encodeRequest(
        openAi.decodeRequest(openAiRequest).chatRequest(), Fixtures.MODEL);
  }

  /**
   * {@link #openAiToConverse} with {@link OpenAiChatCodec#withoutRequestMemory()}: every request
   * decoded in full, as if seen for the first time (its tools are new objects to the encoder too).
   */
  @Benchmark
  public byte[] openAiToConverseWithoutRequestMemory() {
    return converse.encodeRequest(
        openAiForgetful.decodeRequest(openAiRequest).chatRequest(), Fixtures.MODEL);
  }

  /** Converse answer bytes → canonical answer. */
  @Benchmark
  public ChatResponse converseDecodeResponse() {
    return converse.decodeResponse(converseResponse, Fixtures.MODEL, "bedrock-bench");
  }

  /** Canonical answer → OpenAI {@code chat.completion} bytes: the gateway's way out. */
  @Benchmark
  public byte[] openAiEncodeResponse() {
    return openAi.encodeResponse(chatResponse);
  }

  /** Canonical request → Anthropic InvokeModel body. */
  @Benchmark
  public byte[] anthropicEncodeRequest() {
    return anthropic.encodeRequest(chatRequest);
  }

  /** Anthropic InvokeModel answer bytes → canonical answer. */
  @Benchmark
  public ChatResponse anthropicDecodeResponse() {
    return anthropic.decodeResponse(anthropicResponse, Fixtures.MODEL, "bedrock-bench");
  }
}
