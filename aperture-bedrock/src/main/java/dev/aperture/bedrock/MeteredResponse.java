package dev.aperture.bedrock;

import dev.aperture.provider.ForwardResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.Call;
import okhttp3.Response;
import okio.Okio;
import okio.Source;

/**
 * A forwarded Bedrock answer: its status and headers, and a body read from {@code body} (the
 * upstream bytes, metered on the side, or a rewrite of them) in the caller's thread as the caller
 * reads. Closing it cancels the call and tells the meter; closing twice does nothing.
 */
final class MeteredResponse implements ForwardResponse {
  private final int status;
  private final Map<String, List<String>> headers;
  private final InputStream body;
  private final Call call;
  private final Response response;
  private final ForwardMeter meter;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Held while the caller's thread reads. Closing the response frees Okio buffers a read may be
   * using, so a close from another thread only cancels the call and leaves the response to the
   * reader, which closes it when its read returns (cancelling makes it return).
   */
  private final ReentrantLock reading = new ReentrantLock();

  private boolean responseClosed; // guarded by reading

  MeteredResponse(
      int status,
      Map<String, List<String>> headers,
      Source body,
      Call call,
      Response response,
      ForwardMeter meter) {
    this.status = status;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.body = new GuardedReads(Okio.buffer(body).inputStream());
    this.call = call;
    this.response = response;
    this.meter = meter;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public Map<String, List<String>> headers() {
    return headers;
  }

  @Override
  public InputStream body() {
    return body;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      // The meter first: once the call is cancelled, a read in another thread fails, and that
      // failure must not be what is reported.
      meter.closedByCaller();
      call.cancel();
      if (reading.tryLock()) {
        try {
          closeResponseIfClosed();
        } finally {
          reading.unlock();
        }
      }
    }
  }

  /** Closes the upstream response once this answer is closed; call with {@link #reading} held. */
  private void closeResponseIfClosed() {
    if (closed.get() && !responseClosed) {
      responseClosed = true;
      response.close();
    }
  }

  /**
   * Reads under {@link #reading}, and a read after close fails cleanly. Also: Okio's stream waits
   * for more data even when asked for zero bytes; {@link InputStream#readNBytes(int)} asks exactly
   * that after filling its buffer, which would stall a stream until the next event. Zero-byte reads
   * answer at once, as the contract says.
   */
  private final class GuardedReads extends FilterInputStream {
    GuardedReads(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      reading.lock();
      try {
        if (closed.get()) {
          throw new IOException("the answer was closed");
        }
        return super.read();
      } finally {
        try {
          closeResponseIfClosed();
        } finally {
          reading.unlock();
        }
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      reading.lock();
      try {
        if (closed.get()) {
          throw new IOException("the answer was closed");
        }
        return super.read(b, off, len);
      } finally {
        try {
          closeResponseIfClosed();
        } finally {
          reading.unlock();
        }
      }
    }

    @Override
    public void close() throws IOException {
      MeteredResponse.this.close();
    }
  }

  @Override
  public String toString() {
    return "MeteredResponse{" + status + "}";
  }
}
