package dev.aperture.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StubServerTest {
  private static final byte[] UNARY = "{\"output\":1}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] STREAM = {1, 2, 3, 4, 5};

  @Test
  void answersBothPathsOnOneKeptAliveConnection() throws IOException {
    try (StubServer stub = StubServer.start(UNARY, STREAM);
        Socket s = connect(stub)) {
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write(post("/model/m/converse", "Content-Length: 2\r\n", "{}"));
      assertArrayEquals(UNARY, readAnswer(in));
      out.write(post("/model/m/converse-stream", "Content-Length: 3\r\n", "abc"));
      assertArrayEquals(STREAM, readAnswer(in));
      assertEquals(2, stub.requests());
    }
  }

  @Test
  void readsChunkedBodiesAndKeepsTheLastWhenCapturing() throws IOException {
    try (StubServer stub = StubServer.start(UNARY, STREAM);
        Socket s = connect(stub)) {
      stub.capture(true);
      s.getOutputStream()
          .write(
              post(
                  "/model/m/converse",
                  "Transfer-Encoding: chunked\r\nAuthorization: Bearer k\r\n",
                  "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
      readAnswer(new DataInputStream(s.getInputStream()));
      StubServer.Request r = stub.lastRequest();
      assertEquals("/model/m/converse", r.path());
      assertEquals("Bearer k", r.authorization());
      assertArrayEquals("abcde".getBytes(StandardCharsets.US_ASCII), r.body());
      assertEquals(1, stub.bearerRequests());
    }
  }

  @Test
  void headerNamesAnyCaseAndPollingBeforeBlocking() throws IOException {
    try (StubServer stub = StubServer.start(UNARY, STREAM);
        Socket s = connect(stub)) {
      stub.spinMicros(500);
      stub.capture(true);
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write(
          post(
              "/model/m/converse-stream",
              "content-LENGTH :  3 \r\nAUTHORIZATION: bearer xyz\r\n",
              "abc"));
      assertArrayEquals(STREAM, readAnswer(in));
      StubServer.Request r = stub.lastRequest();
      assertEquals("bearer xyz", r.authorization());
      assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), r.body());
      out.write(post("/model/m/converse", "Authorization: Basic a\r\nContent-Length: 0\r\n", ""));
      assertArrayEquals(UNARY, readAnswer(in));
      assertEquals(2, stub.requests());
      assertEquals(1, stub.bearerRequests());
    }
  }

  private static Socket connect(StubServer stub) throws IOException {
    URI uri = URI.create(stub.baseUrl());
    return new Socket(uri.getHost(), uri.getPort());
  }

  private static byte[] post(String path, String headers, String body) {
    return ("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one answer's head and returns its body (Content-Length framed). */
  private static byte[] readAnswer(DataInputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) readByte(in));
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 200 OK\r\n"));
    int at = head.indexOf("Content-Length: ") + "Content-Length: ".length();
    int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
    byte[] body = new byte[length];
    in.readFully(body);
    return body;
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("connection closed");
    }
    return b;
  }
}
