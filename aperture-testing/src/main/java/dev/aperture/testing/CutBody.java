package dev.aperture.testing;

import java.io.IOException;
import java.util.Arrays;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * A fixed-length body that announces all its bytes but sends only the first half before closing the
 * connection: a non-streaming answer cut off by a dropped connection.
 */
final class CutBody implements MockResponseBody {
  private final byte[] bytes;

  CutBody(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  @Override
  public long getContentLength() {
    return bytes.length;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    sink.write(Arrays.copyOf(bytes, bytes.length / 2));
    sink.flush();
    throw EventStreamBody.drop(sink, "dropped the connection mid-body as scripted");
  }
}
