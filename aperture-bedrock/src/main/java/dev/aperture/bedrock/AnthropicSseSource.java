package dev.aperture.bedrock;

import dev.aperture.StreamException;
import dev.aperture.bedrock.codec.AnthropicPassthrough;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import okio.Buffer;
import okio.BufferedSource;
import okio.Source;
import okio.Timeout;

/**
 * An InvokeModelWithResponseStream answer read as the Anthropic Messages API's server-sent events.
 * Each read decodes at most what it needs: one frame at a time, in the caller's thread, and only
 * when the events of the previous frame have been read; no thread, no buffering of the stream.
 * Every frame also goes to the meter. An exception frame, or a stream that breaks or is malformed,
 * becomes an Anthropic {@code error} event that ends the events.
 */
final class AnthropicSseSource implements Source {
  private final BufferedSource upstream;
  private final EventStreamDecoder decoder;
  private final ForwardMeter meter;
  private final Buffer pending = new Buffer();
  private boolean ended;

  AnthropicSseSource(BufferedSource upstream, ForwardMeter meter) {
    this.upstream = upstream;
    this.decoder = EventStreamDecoder.create(upstream);
    this.meter = meter;
  }

  @Override
  public long read(Buffer sink, long byteCount) {
    while (pending.size() == 0) {
      if (ended) {
        return -1;
      }
      EventStreamMessage frame;
      try {
        frame = decoder.nextView(); // metered and written out before the next frame is read
      } catch (StreamException e) {
        ended = true;
        meter.failed(e.getMessage());
        AnthropicPassthrough.writeError(pending, "api_error", e.getMessage());
        break;
      }
      if (frame == null) {
        ended = true;
        meter.endOfBody();
        if (meter.isComplete()) {
          return -1;
        }
        // A clean end before the stop reason and usage: the answer is cut short, which the
        // caller must see as an error event, not as a normal finish.
        AnthropicPassthrough.writeError(
            pending, "api_error", "the Bedrock stream ended before message_stop");
        break;
      }
      meter.frame(frame);
      ended = AnthropicPassthrough.writeSse(frame, pending);
    }
    return pending.read(sink, Math.min(byteCount, pending.size()));
  }

  @Override
  public Timeout timeout() {
    return upstream.timeout();
  }

  @Override
  public void close() {
    decoder.close();
  }
}
