package dev.aperture.bedrock;

import static dev.aperture.bedrock.ForwardFixtures.KEY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.ForwardFixtures.RecordingSink;
import dev.aperture.bedrock.ForwardFixtures.Report;
import dev.aperture.bedrock.codec.NativeUsage;
import dev.aperture.chat.Usage;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MeteredResponseTest {
  private final OkHttpClient client = new OkHttpClient();
  private final RecordingSink sink = new RecordingSink();
  private final Request request =
      new Request.Builder().url("http://localhost/model/m/invoke").build();

  @AfterEach
  void stop() {
    client.dispatcher().executorService().shutdown();
  }

  /** A source that gives {@code data} once and then fails the test if it is read again. */
  private static final class OneShotSource implements Source {
    private final byte[] data;
    private boolean given;
    boolean closed;

    OneShotSource(byte[] data) {
      this.data = data;
    }

    @Override
    public long read(Buffer sink, long byteCount) {
      if (given) {
        throw new AssertionError("read again: the caller would block for the next event");
      }
      given = true;
      sink.write(data);
      return data.length;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private Response response(Source body) {
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(200)
        .message("OK")
        .body(ResponseBody.create(Okio.buffer(body), null, -1))
        .build();
  }

  private ForwardMeter meter() {
    return ForwardMeter.json(sink, 200, KEY, NativeUsage::converseResponse, null);
  }

  @Test
  void aZeroByteReadAnswersAtOnceInsteadOfWaitingForMoreData() throws Exception {
    byte[] event = "event: ping\n\n".getBytes(UTF_8);
    OneShotSource upstream = new OneShotSource(event);
    MeteredResponse r =
        new MeteredResponse(
            200, Map.of(), upstream, client.newCall(request), response(upstream), meter());

    InputStream in = r.body();
    assertArrayEquals(event, in.readNBytes(event.length)); // ends with a zero-byte read
    assertEquals(0, in.read(new byte[4], 2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[4], 3, 2));
  }

  @Test
  void closingCancelsTheCallReleasesTheResponseAndReportsOnce() {
    OneShotSource upstream = new OneShotSource(new byte[] {1});
    Call call = client.newCall(request);
    MeteredResponse r =
        new MeteredResponse(200, Map.of(), upstream, call, response(upstream), meter());

    r.close();
    r.close();

    assertTrue(call.isCanceled());
    assertTrue(upstream.closed);
    assertEquals(new Report(499, Usage.ZERO, List.of(), "closed by caller"), sink.only());
  }

  @Test
  void headersKeepTheirOrderAndCannotBeChanged() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/json"));
    headers.put("x-amzn-RequestId", List.of("r"));
    headers.put("A-Last", List.of("z"));
    OneShotSource upstream = new OneShotSource(new byte[0]);
    MeteredResponse r =
        new MeteredResponse(
            201, headers, upstream, client.newCall(request), response(upstream), meter());
    headers.clear();

    assertEquals(201, r.status());
    assertEquals(
        List.of("Content-Type", "x-amzn-RequestId", "A-Last"), List.copyOf(r.headers().keySet()));
    assertEquals("r", r.header("X-AMZN-REQUESTID").orElseThrow());
    assertFalse(r.header("missing").isPresent());
    assertThrows(UnsupportedOperationException.class, () -> r.headers().put("x", List.of()));
  }
}
