package dev.aperture.benchmarks.e2e;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Bedrock Runtime on loopback that is not the bottleneck: HTTP/1.1 with keep-alive,
 * one platform thread per connection, and an answer that is a pre-built byte array (status line,
 * headers and body) sent with a single write. Requests to a path ending in {@code /converse-stream}
 * get the event-stream answer, every other request the Converse answer. The request is parsed only
 * as far as needed to find its end (Content-Length or chunked); its body is read and dropped,
 * except that the last one is kept for {@link #lastRequest()} when capturing.
 *
 * <p>The ids of the server's threads are kept so that allocation measurements can leave them out.
 */
final class StubServer implements Closeable {
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final byte[] unaryAnswer;
  private final byte[] streamAnswer;
  private final Thread acceptor;
  private final Set<Long> threadIds = ConcurrentHashMap.newKeySet();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bearerRequests = new AtomicLong();
  private volatile boolean capture;
  private volatile Request last;
  private volatile boolean closed;
  private volatile long spinNanos;

  /** What the server saw of one request, when capturing. */
  record Request(String path, String authorization, byte[] body) {}

  private StubServer(byte[] converseBody, byte[] converseStreamBody) throws IOException {
    this.unaryAnswer = answer("application/json", converseBody);
    this.streamAnswer = answer("application/vnd.amazon.eventstream", converseStreamBody);
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    this.acceptor = new Thread(this::accept, "stub-accept");
    acceptor.setDaemon(true);
    threadIds.add(acceptor.getId());
    acceptor.start();
  }

  /** Starts a server answering every Converse call with {@code converseBody}. */
  static StubServer start(byte[] converseBody, byte[] converseStreamBody) throws IOException {
    return new StubServer(converseBody, converseStreamBody);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  String baseUrl() {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Ids of the threads this server has started (accept and per-connection). */
  Set<Long> threadIds() {
    return threadIds;
  }

  long requests() {
    return requests.get();
  }

  /** Requests whose Authorization header was {@code Bearer <something>}. */
  long bearerRequests() {
    return bearerRequests.get();
  }

  /**
   * How long a connection thread polls for the next request before it blocks in {@code read}: 0
   * (the default) blocks at once. Polling spares each request the wake-up of a sleeping thread
   * (tens of microseconds on a virtual machine, where an idle vCPU halts), at the price of a busy
   * core while waiting: worth it when one client calls at a time, not with many connections on few
   * cores.
   */
  void spinMicros(long micros) {
    spinNanos = TimeUnit.MICROSECONDS.toNanos(micros);
  }

  /** Whether to keep the last request (path, Authorization, body) for {@link #lastRequest()}. */
  void capture(boolean on) {
    capture = on;
    last = null;
  }

  Request lastRequest() {
    return last;
  }

  private static byte[] answer(String contentType, byte[] body) {
    String head =
        "HTTP/1.1 200 OK\r\n"
            + "Content-Type: "
            + contentType
            + "\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n"
            + "x-amzn-RequestId: 5c1b4f0e-8a1d-4c3e-9d7a-2b6f0e9c1a11\r\n"
            + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  private void accept() {
    int n = 0;
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(s);
      Thread t = new Thread(() -> serve(s), "stub-conn-" + (++n));
      t.setDaemon(true);
      threadIds.add(t.getId());
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      Connection c = new Connection(in);
      while (true) {
        int headerEnd = c.fill();
        if (headerEnd < 0) {
          return; // the client closed the connection between requests
        }
        // The head is scanned in place, allocation-free: the stub's own cost stays out of the way
        // of the clients sharing its cores.
        byte[] b = c.buf;
        int lineEnd = indexOfCrlf(b, c.start, headerEnd);
        int sp1 = indexOf(b, (byte) ' ', c.start, lineEnd);
        int sp2 = sp1 < 0 ? -1 : indexOf(b, (byte) ' ', sp1 + 1, lineEnd);
        boolean stream = sp2 > 0 && endsWith(b, sp2, CONVERSE_STREAM);
        long contentLength = 0;
        boolean chunked = false;
        boolean expectContinue = false;
        boolean close = false;
        int authStart = -1;
        int authEnd = -1;
        int line = lineEnd + 2;
        while (line < headerEnd) {
          int next = indexOfCrlf(b, line, headerEnd);
          int colon = indexOf(b, (byte) ':', line, next);
          if (colon > line) {
            int v = colon + 1;
            while (v < next && (b[v] == ' ' || b[v] == '\t')) {
              v++;
            }
            int ve = next;
            while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
              ve--;
            }
            if (nameIs(b, line, colon, "content-length")) {
              contentLength = parseLong(b, v, ve);
            } else if (nameIs(b, line, colon, "transfer-encoding")) {
              chunked = containsIgnoreCase(b, v, ve, "chunked");
            } else if (nameIs(b, line, colon, "expect")) {
              expectContinue = equalsIgnoreCase(b, v, ve, "100-continue");
            } else if (nameIs(b, line, colon, "connection")) {
              close = equalsIgnoreCase(b, v, ve, "close");
            } else if (nameIs(b, line, colon, "authorization")) {
              authStart = v;
              authEnd = ve;
            }
          }
          line = next + 2;
        }
        boolean bearer = authStart >= 0 && startsWithIgnoreCase(b, authStart, authEnd, "Bearer ");
        String path = null;
        String authorization = null;
        boolean keep = capture;
        if (keep) {
          path = sp2 < 0 ? "" : new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
          authorization =
              authStart < 0
                  ? null
                  : new String(b, authStart, authEnd - authStart, StandardCharsets.ISO_8859_1);
        }
        c.start = headerEnd + 4;
        if (expectContinue) {
          out.write(CONTINUE);
          out.flush();
        }
        byte[] body = chunked ? c.readChunked(keep) : c.readBody(contentLength, keep);
        requests.incrementAndGet();
        if (bearer) {
          bearerRequests.incrementAndGet();
        }
        if (keep) {
          last = new Request(path, authorization, body);
        }
        out.write(stream ? streamAnswer : unaryAnswer);
        out.flush();
        if (close) {
          return;
        }
      }
    } catch (SocketException e) {
      // the client went away: normal at shutdown and when a client drops a pooled connection
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        System.err.println("stub server: connection failed: " + e);
      }
    } finally {
      sockets.remove(socket);
    }
  }

  private static final byte[] CONVERSE_STREAM =
      "/converse-stream".getBytes(StandardCharsets.US_ASCII);

  private static int indexOf(byte[] b, byte x, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** The offset of the next CRLF in {@code [from, to)}, or {@code to}. */
  private static int indexOfCrlf(byte[] b, int from, int to) {
    for (int i = from; i + 1 < to; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return to;
  }

  private static boolean endsWith(byte[] b, int end, byte[] suffix) {
    int start = end - suffix.length;
    return start >= 0 && Arrays.equals(b, start, end, suffix, 0, suffix.length);
  }

  private static boolean nameIs(byte[] b, int from, int to, String lowerName) {
    int end = to;
    while (end > from && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    return equalsIgnoreCase(b, from, end, lowerName);
  }

  private static boolean equalsIgnoreCase(byte[] b, int from, int to, String lower) {
    return to - from == lower.length() && startsWithIgnoreCase(b, from, to, lower);
  }

  private static boolean startsWithIgnoreCase(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase((char) (b[from + i] & 0xFF))
          != Character.toLowerCase(prefix.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsIgnoreCase(byte[] b, int from, int to, String lower) {
    for (int i = from; i + lower.length() <= to; i++) {
      if (startsWithIgnoreCase(b, i, to, lower)) {
        return true;
      }
    }
    return false;
  }

  private static long parseLong(byte[] b, int from, int to) throws IOException {
    if (from == to || to - from > 18) {
      throw new IOException("bad Content-Length");
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        throw new IOException("bad Content-Length");
      }
      n = n * 10 + (b[i] - '0');
    }
    return n;
  }

  /** A connection's read buffer: bytes {@code [start, end)} are read but not yet consumed. */
  private final class Connection {
    final InputStream in;
    byte[] buf = new byte[16 * 1024];
    int start;
    int end;

    Connection(InputStream in) {
      this.in = in;
    }

    /** Reads until a whole header block is buffered; its CRLFCRLF offset, or -1 at a clean EOF. */
    int fill() throws IOException {
      while (true) {
        // Heads are a few hundred bytes: rescanning from the start after a short read is cheap,
        // and stays right when read() compacts the buffer.
        for (int i = start; i + 3 < end; i++) {
          if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
            return i;
          }
        }
        if (!read()) {
          if (start == end) {
            return -1;
          }
          throw new IOException("connection closed inside a request head");
        }
      }
    }

    /** Reads more bytes, compacting or growing the buffer; false at EOF. */
    private boolean read() throws IOException {
      if (end == buf.length) {
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        } else {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
      }
      long spin = spinNanos;
      if (spin > 0 && in.available() == 0) {
        long deadline = System.nanoTime() + spin;
        while (in.available() == 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        return false;
      }
      end += n;
      return true;
    }

    byte[] readBody(long length, boolean keep) throws IOException {
      byte[] body = keep ? new byte[(int) length] : null;
      long done = 0;
      while (done < length) {
        if (start == end) {
          start = 0;
          end = 0;
          if (!read()) {
            throw new IOException("connection closed inside a request body");
          }
        }
        int n = (int) Math.min(end - start, length - done);
        if (keep) {
          System.arraycopy(buf, start, body, (int) done, n);
        }
        start += n;
        done += n;
      }
      return body;
    }

    byte[] readChunked(boolean keep) throws IOException {
      java.io.ByteArrayOutputStream kept = keep ? new java.io.ByteArrayOutputStream() : null;
      while (true) {
        String sizeLine = line();
        int semi = sizeLine.indexOf(';');
        long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          return keep ? kept.toByteArray() : null;
        }
        byte[] chunk = readBody(size, keep);
        if (keep) {
          kept.writeBytes(chunk);
        }
        line(); // CRLF after the chunk
      }
    }

    private String line() throws IOException {
      while (true) {
        for (int i = start; i + 1 < end; i++) {
          if (buf[i] == '\r' && buf[i + 1] == '\n') {
            String s = new String(buf, start, i - start, StandardCharsets.ISO_8859_1);
            start = i + 2;
            return s;
          }
        }
        if (!read()) {
          throw new IOException("connection closed inside a chunked body");
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
