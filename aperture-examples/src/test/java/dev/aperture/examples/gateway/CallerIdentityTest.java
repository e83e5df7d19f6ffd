package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.aperture.access.Identity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final InetAddress REMOTE = address(10, 1, 2, 3);

  @Test
  void aHeaderValueIsALogin() {
    assertEquals(Identity.of("alice@example.com"), CallerIdentity.parse("alice@example.com"));
  }

  @Test
  void tagsNameATaggedMachine() {
    Identity id = CallerIdentity.parse("tag:prod, tag:ci");
    assertEquals(List.of("tag:ci", "tag:prod"), id.sortedTags());
    assertEquals("tag:ci,tag:prod", id.principal());
  }

  @Test
  void aLoopbackCallerWithoutTheHeaderIsLoopback() {
    assertEquals(Identity.of("(loopback)"), new CallerIdentity(null).of(exchange(LOOPBACK, null)));
    assertEquals(
        Identity.of("(loopback)"), new CallerIdentity("X-Caller").of(exchange(LOOPBACK, null)));
  }

  @Test
  void theConfiguredHeaderNamesTheCallerWhereverItCallsFrom() {
    CallerIdentity callers = new CallerIdentity("X-Caller");
    assertEquals(Identity.of("bob@example.com"), callers.of(exchange(REMOTE, "bob@example.com")));
    assertEquals(Identity.of("bob@example.com"), callers.of(exchange(LOOPBACK, "bob@example.com")));
  }

  @Test
  void aRemoteCallerNobodyNamedIsRefused() {
    CallerRefusedException e =
        assertThrows(
            CallerRefusedException.class,
            () -> new CallerIdentity(null).of(exchange(REMOTE, null)));
    assertEquals(403, e.httpStatus());
    assertThrows(
        CallerRefusedException.class,
        () -> new CallerIdentity("X-Caller").of(exchange(REMOTE, "  ")));
    // without an identity header configured, a header sent by the caller counts for nothing
    assertThrows(
        CallerRefusedException.class,
        () -> new CallerIdentity(null).of(exchange(REMOTE, "alice@example.com")));
  }

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A request from {@code from}, with {@code X-Caller: value} when the value is not null. */
  private static HttpExchange exchange(InetAddress from, String callerHeader) {
    Headers headers = new Headers();
    if (callerHeader != null) {
      headers.add("X-Caller", callerHeader);
    }
    return new HttpExchange() {
      @Override
      public Headers getRequestHeaders() {
        return headers;
      }

      @Override
      public InetSocketAddress getRemoteAddress() {
        return new InetSocketAddress(from, 50000);
      }

      @Override
      public Headers getResponseHeaders() {
        throw new UnsupportedOperationException();
      }

      @Override
      public URI getRequestURI() {
        return URI.create("/v1/models");
      }

      @Override
      public String getRequestMethod() {
        return "GET";
      }

      @Override
      public HttpContext getHttpContext() {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {}

      @Override
      public InputStream getRequestBody() {
        return InputStream.nullInputStream();
      }

      @Override
      public OutputStream getResponseBody() {
        return OutputStream.nullOutputStream();
      }

      @Override
      public void sendResponseHeaders(int code, long length) {
        throw new UnsupportedOperationException();
      }

      @Override
      public int getResponseCode() {
        return -1;
      }

      @Override
      public InetSocketAddress getLocalAddress() {
        return new InetSocketAddress(LOOPBACK, 8080);
      }

      @Override
      public String getProtocol() {
        return "HTTP/1.1";
      }

      @Override
      public Object getAttribute(String name) {
        return null;
      }

      @Override
      public void setAttribute(String name, Object value) {}

      @Override
      public void setStreams(InputStream i, OutputStream o) {}

      @Override
      public HttpPrincipal getPrincipal() {
        return null;
      }
    };
  }
}
