package dev.aperture.bedrock;

import dev.aperture.StreamException;
import dev.aperture.bedrock.codec.NativeUsage;
import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.Usage;
import dev.aperture.internal.Secrets;
import dev.aperture.provider.UsageSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the usage of one forwarded answer on the side, as its bytes pass to the caller, and reports
 * it to the {@link UsageSink} exactly once: when the body ends, when the caller closes it early
 * ({@value #CLOSED_STATUS}, unless the answer was already complete), or as soon as the answer is
 * known to have failed.
 *
 * <p>Three kinds of answer: a JSON body (a copy of at most {@value #MAX_JSON_COPY_BYTES} bytes is
 * kept and read at its end; InvokeModel's token-count headers take precedence for the counts), an
 * event stream (the bytes are copied into a side buffer, each frame is decoded there as soon as it
 * is whole and handed to a {@link StreamTranslator}; the side buffer never holds more than one
 * frame), and an answer already settled (an upstream error, reported when the meter is made).
 * Observing never alters or delays the bytes: a frame that cannot be read is reported as the error
 * and metering stops, while the bytes still flow.
 *
 * <p>The reading methods are called by the one thread reading the body; {@link #closedByCaller()}
 * may come from any thread. The sink is called outside any lock; a sink that throws is logged.
 */
final class ForwardMeter {
  private static final Logger log = LoggerFactory.getLogger(ForwardMeter.class);

  /** The status reported when the caller closes the answer before its end (nginx's 499). */
  static final int CLOSED_STATUS = 499;

  /** Non-streamed answers are small; a larger one is passed on but not read for usage. */
  static final int MAX_JSON_COPY_BYTES = 8 * 1024 * 1024;

  private static final long MAX_FRAME_BYTES =
      (long) EventStreamMessage.OVERHEAD_BYTES
          + EventStreamMessage.MAX_HEADERS_BYTES
          + EventStreamMessage.MAX_PAYLOAD_BYTES;

  private final UsageSink sink;
  private final int status;
  private final String secret;

  // JSON answers
  private final Function<byte[], NativeUsage.Observed> jsonReader;
  private final Usage headerUsage;
  private Buffer jsonCopy;

  // event streams
  private final StreamTranslator translator;
  private final List<ChatEvent> scratch = new ArrayList<>(4);
  private Buffer side;
  private EventStreamDecoder sideDecoder;
  private final CRC32 crc = new CRC32();
  private long frameBytes = -1; // length of the frame being collected, once its prelude is checked

  // what was seen; guarded by this
  private Usage usage = Usage.ZERO;
  private final List<String> toolNames = new ArrayList<>();
  private boolean complete;
  private boolean reported;

  private ForwardMeter(
      UsageSink sink,
      int status,
      String secret,
      Function<byte[], NativeUsage.Observed> jsonReader,
      Usage headerUsage,
      StreamTranslator translator) {
    this.sink = sink;
    this.status = status;
    this.secret = secret;
    this.jsonReader = jsonReader;
    this.headerUsage = headerUsage;
    this.translator = translator;
    if (headerUsage != null) {
      usage = headerUsage;
    }
  }

  /**
   * A meter for a JSON answer, read with {@code reader} at its end; {@code headerUsage} (nullable)
   * overrides the body's counts.
   */
  static ForwardMeter json(
      UsageSink sink,
      int status,
      String secret,
      Function<byte[], NativeUsage.Observed> reader,
      Usage headerUsage) {
    ForwardMeter m = new ForwardMeter(sink, status, secret, reader, headerUsage, null);
    m.jsonCopy = new Buffer();
    return m;
  }

  /**
   * A meter for an event-stream answer. Bytes passed to {@link #observe} are framed on the side;
   * frames decoded elsewhere go to {@link #frame}.
   */
  static ForwardMeter frames(
      UsageSink sink, int status, String secret, StreamTranslator translator) {
    ForwardMeter m = new ForwardMeter(sink, status, secret, null, null, translator);
    m.side = new Buffer();
    m.sideDecoder = EventStreamDecoder.create(m.side);
    return m;
  }

  /** A meter for an answer that already failed: reports {@code error} now. */
  static ForwardMeter settled(UsageSink sink, int status, String secret, String error) {
    ForwardMeter m = new ForwardMeter(sink, status, secret, null, null, null);
    m.report(status, error);
    return m;
  }

  /** {@code upstream} with every byte read from it also shown to this meter. */
  Source tee(Source upstream) {
    return new ForwardingSource(upstream) {
      @Override
      public long read(Buffer sink, long byteCount) throws IOException {
        long n;
        try {
          n = super.read(sink, byteCount);
        } catch (IOException e) {
          failed("reading the answer from Bedrock failed: " + e);
          throw e;
        }
        if (n == -1) {
          endOfBody();
        } else if (n > 0) {
          observe(sink, sink.size() - n, n);
        }
        return n;
      }
    };
  }

  /** Shows this meter {@code byteCount} bytes of {@code data} from {@code offset}, unchanged. */
  void observe(Buffer data, long offset, long byteCount) {
    if (jsonCopy != null) {
      if (jsonCopy.size() + byteCount <= MAX_JSON_COPY_BYTES) {
        data.copyTo(jsonCopy, offset, byteCount);
      } else {
        jsonCopy = null; // too large to read for usage; the header counts may still be there
        log.debug(
            "forwarded answer over {} bytes: its body is not read for usage", MAX_JSON_COPY_BYTES);
      }
    } else if (side != null) {
      data.copyTo(side, offset, byteCount);
      decodeSide();
    }
  }

  /** Decodes every whole frame in the side buffer. */
  private void decodeSide() {
    while (side != null) {
      if (frameBytes < 0) {
        if (side.size() < EventStreamMessage.PRELUDE_BYTES) {
          return;
        }
        // The decoder checks the prelude too, but only once the frame is whole: here its length
        // must be trusted before waiting for that many bytes.
        crc.reset();
        for (int i = 0; i < 8; i++) {
          crc.update(side.getByte(i));
        }
        if (u32(8) != crc.getValue()) {
          stopSide("a Bedrock stream frame failed its prelude checksum");
          return;
        }
        frameBytes = u32(0);
        if (frameBytes > MAX_FRAME_BYTES) {
          stopSide(
              "a Bedrock stream frame of " + frameBytes + " bytes exceeds the event-stream limits");
          return;
        }
      }
      if (side.size() < frameBytes) {
        return;
      }
      frameBytes = -1;
      EventStreamMessage message;
      try {
        message = sideDecoder.nextView(); // read by frame() before the next one
      } catch (StreamException e) {
        stopSide(e.getMessage());
        return;
      }
      frame(message);
    }
  }

  /** The big-endian u32 at {@code offset} of the side buffer. */
  private long u32(int offset) {
    long value = 0;
    for (int i = offset; i < offset + 4; i++) {
      value = value << 8 | (side.getByte(i) & 0xFFL);
    }
    return value;
  }

  private void stopSide(String error) {
    side.clear();
    side = null;
    failed(error);
  }

  /**
   * Hands this meter one frame of the answer. An exception frame or a frame the translator refuses
   * is reported as the answer's error at once.
   */
  void frame(EventStreamMessage message) {
    scratch.clear();
    try {
      translator.accept(message, scratch);
    } catch (RuntimeException e) {
      // StreamException for exception frames and malformed events; anything else is a bug in a
      // translator, which must not break the caller's bytes either.
      side = null; // nothing after a failure can be trusted; the bytes flow on unread
      failed(e instanceof StreamException ? e.getMessage() : "reading usage failed: " + e);
      return;
    }
    synchronized (this) {
      for (ChatEvent e : scratch) {
        if (e instanceof ChatEvent.ToolCallStart start) {
          toolNames.add(start.name());
        } else if (e instanceof ChatEvent.Finish finish) {
          usage = finish.usage();
          complete = true;
        }
      }
    }
    if (translator.isComplete()) {
      side = null; // the answer is complete: later bytes (there should be none) need no reading
    }
  }

  /** Whether the answer's stop reason and usage have both been seen (streams only). */
  synchronized boolean isComplete() {
    return complete;
  }

  /**
   * The body ended. A JSON answer is read now; a stream is complete only if its translator saw the
   * stop reason and the usage.
   */
  void endOfBody() {
    if (jsonCopy != null) {
      NativeUsage.Observed seen = jsonReader.apply(jsonCopy.readByteArray());
      jsonCopy = null;
      synchronized (this) {
        usage = headerUsage != null ? withCacheLifetimes(headerUsage, seen.usage()) : seen.usage();
        toolNames.addAll(seen.toolNames());
      }
    }
    if (translator == null || translator.isComplete()) {
      report(status, null);
    } else {
      report(status, "stream ended before completion");
    }
  }

  /**
   * The header counts, with the cache writes split by lifetime as the body says: the headers give
   * one cache-write count, and a 1-hour write costs more than a 5-minute one.
   */
  private static Usage withCacheLifetimes(Usage headers, Usage body) {
    if (body.cacheWrite1hTokens() == 0 || body.cacheWriteTokens() != headers.cacheWriteTokens()) {
      return headers;
    }
    return Usage.builder()
        .from(headers)
        .cacheWrite5mTokens(body.cacheWrite5mTokens())
        .cacheWrite1hTokens(body.cacheWrite1hTokens())
        .build();
  }

  /**
   * The caller closed the answer. Before its end that is {@value #CLOSED_STATUS} "closed by
   * caller", unless the stream had already completed.
   */
  void closedByCaller() {
    boolean done;
    synchronized (this) {
      done = complete;
    }
    if (done) {
      report(status, null);
    } else {
      report(CLOSED_STATUS, "closed by caller");
    }
  }

  /** The answer failed mid-way: reports {@code error} with what was seen so far. */
  void failed(String error) {
    report(status, error);
  }

  private void report(int reportedStatus, String error) {
    Usage u;
    List<String> tools;
    synchronized (this) {
      if (reported) {
        return;
      }
      reported = true;
      u = usage;
      if (u.totalTokens() == 0 && translator != null) {
        u = translator.usageSoFar(); // a stream cut short: what was already counted is billed
      }
      tools = List.copyOf(toolNames);
    }
    try {
      sink.completed(reportedStatus, u, tools, Secrets.redact(error, secret));
    } catch (RuntimeException e) {
      log.warn("the usage sink failed; this forwarded call is not recorded", e);
    }
  }
}
