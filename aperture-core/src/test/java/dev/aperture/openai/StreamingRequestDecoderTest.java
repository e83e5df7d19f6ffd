package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming fast path against the tree walker it stands in for: whatever the fast path accepts
 * must decode to exactly what the tree walker returns, and whatever the tree walker refuses the
 * fast path must leave to it. Besides hand-written edge cases, every field of two realistic
 * requests is mutated (removed, nulled, retyped, joined by an unknown sibling) and fields are
 * reordered, and each variant is decoded both ways.
 */
class StreamingRequestDecoderTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final OpenAiChatCodec codec = OpenAiChatCodec.create();
  private final RequestDecoder decoder = codec.requestDecoder();

  /** The decoder without request memory: it reads every part afresh, so it must agree too. */
  private final RequestDecoder forgetful = codec.withoutRequestMemory().requestDecoder();

  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static String body(String fields) {
    return json("{'model': 'm', 'messages': [{'role': 'user', 'content': 'hi'}], " + fields + "}");
  }

  /**
   * Decodes {@code body} both ways and checks they agree; returns the tree walker's result, or null
   * when it refused the body. With {@code mustBeFast}, an accepted body must not fall back.
   */
  private OpenAiChatRequest agree(String body, boolean mustBeFast) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OpenAiChatRequest tree;
    try {
      tree = decoder.decodeTree(bytes);
    } catch (RuntimeException e) {
      assertNull(decoder.decodeStreaming(bytes), () -> "accepted what the tree refuses: " + body);
      assertNull(forgetful.decodeStreaming(bytes), () -> "accepted without memory: " + body);
      return null;
    }
    OpenAiChatRequest fresh = forgetful.decodeStreaming(bytes);
    if (fresh != null) {
      assertEquals(tree, fresh, () -> "without request memory: " + body);
    }
    OpenAiChatRequest fast = decoder.decodeStreaming(bytes);
    if (fast == null && !mustBeFast) {
      return tree;
    }
    assertNotNull(fresh, () -> "fell back without request memory on a valid body: " + body);
    assertNotNull(fast, () -> "fell back on a valid body: " + body);
    assertEquals(tree, fast, body);
    // equal maps may still differ in order, which an encoder would show
    assertEquals(
        List.copyOf(tree.chatRequest().metadata().entrySet()),
        List.copyOf(fast.chatRequest().metadata().entrySet()),
        body);
    return tree;
  }

  private OpenAiChatRequest agree(String body) {
    return agree(body, true);
  }

  private OpenAiChatRequest fast(String body) {
    return decoder.decodeStreaming(body.getBytes(StandardCharsets.UTF_8));
  }

  // --- the realistic requests, reordered and mutated ---

  @Test
  void theRealisticRequestsTakeTheFastPath() {
    assertNotNull(agree(OpenAiChatCodecTest.AGENT_REQUEST));
    assertNotNull(agree(OpenAiChatCodecTest.DOCUMENT_REQUEST));
  }

  /**
   * The thread keeps its request builder between decodes: it must hold nothing of the last request
   * (so that none of it shows in the next, and no prompt text is kept), must not be kept after a
   * request too large for it, and a decode that declines drops it.
   */
  @Test
  void theKeptRequestBuilderCarriesNothingOverAndIsBounded() {
    String full =
        body(
            "'tools': [{'type': 'function', 'function': {'name': 'f', 'parameters': {'type':"
                + " 'object'}}}], 'tool_choice': 'required', 'parallel_tool_calls': false,"
                + " 'max_tokens': 7, 'temperature': 0.3, 'top_p': 0.9, 'stop': ['x', 'y'],"
                + " 'reasoning_effort': 'low', 'metadata': {'a': 'b'}, 'user': 'u'");
    OpenAiChatRequest first = agree(full);
    assertEquals(Map.of("a", "b", "user", "u"), first.chatRequest().metadata());
    ImmutableChatRequest.Builder kept = StreamingRequestDecoder.keptBuilder();
    assertNotNull(kept, "kept after a request");
    // cleared: it builds only what is set on it now
    assertEquals(
        ChatRequest.builder().model("m").addMessages(Message.user("hi")).build(),
        kept.model("m").addMessages(Message.user("hi")).build());
    kept.clear();

    OpenAiChatRequest plain = agree(body("'stream': false"));
    assertEquals(
        ChatRequest.builder()
            .model("m")
            .addMessages(Message.user("hi"))
            .build()
            .withInboundFormat(ApiFormat.OPENAI_CHAT),
        plain.chatRequest());
    assertSame(kept, StreamingRequestDecoder.keptBuilder(), "the same builder, lent and back");

    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= StreamingRequestDecoder.MAX_KEPT_ELEMENTS; i++) {
      many.append(i == 0 ? "" : ", ").append(json("{'role': 'user', 'content': 'm" + i + "'}"));
    }
    String large = json("{'model': 'm', 'messages': [") + many + "]}";
    assertEquals(
        StreamingRequestDecoder.MAX_KEPT_ELEMENTS + 1,
        agree(large).chatRequest().messages().size());
    assertNull(StreamingRequestDecoder.keptBuilder(), "not kept after 257 messages");

    agree(full);
    assertNotNull(StreamingRequestDecoder.keptBuilder());
    // a syntax error at the very end, after everything else went into the builder
    assertNull(fast(full.replace("\"user\": \"u\"", "\"user\": \"u\" garbage")));
    assertNull(StreamingRequestDecoder.keptBuilder(), "dropped by a decode that declined");
    assertEquals(first, agree(full));
  }

  @Test
  void aRepeatedToolsArrayIsReusedFromItsBytesWhereverItStands() {
    String tools =
        "'tools': [{'type': 'function', 'function': {'name': 'search', 'description': 'Finds"
            + " things, naïvely', 'parameters': {'type': 'object', 'properties': {'q': {'type':"
            + " 'string'}}}}}, {'type': 'function', 'function': {'name': 'get', 'parameters':"
            + " {'type': 'object'}}}]";
    OpenAiChatRequest first = agree(body(tools));
    assertEquals(2, first.chatRequest().tools().size());
    assertEquals("Finds things, naïvely", first.chatRequest().tools().get(0).description());
    assertEquals(
        json("{'type':'object','properties':{'q':{'type':'string'}}}"),
        first.chatRequest().tools().get(0).parametersJsonSchema());
    // the same array later in a longer body: the tools decoded the first time are reused
    String longer =
        json(
            "{'model': 'm', 'user': 'someone with a long name', 'messages': [{'role': 'user',"
                + " 'content': 'a longer question than before'}], "
                + tools
                + "}");
    agree(longer);
    List<Tool> once = fast(body(tools)).chatRequest().tools();
    List<Tool> again = fast(longer).chatRequest().tools();
    assertEquals(first.chatRequest().tools(), again);
    assertSame(once.get(0), again.get(0));
    assertSame(once.get(1), again.get(1));
    // one byte different: decoded afresh, not taken for the cached one
    OpenAiChatRequest other = agree(body(tools.replace("Finds", "Fines")));
    assertEquals("Fines things, naïvely", other.chatRequest().tools().get(0).description());
    // an array the fast path refuses (a repeated name) is refused every time, never cached
    String repeated =
        "'tools': [{'type': 'function', 'function': {'name': 'f'}}, {'type': 'function',"
            + " 'function': {'name': 'f'}}]";
    for (int i = 0; i < 2; i++) {
      assertNull(fast(body(repeated)));
    }
  }

  @Test
  void aKnownToolsArrayIsJumpedOverAndTheFieldsAfterItAreStillRead() {
    String tools =
        "'tools': [{'type': 'function', 'function': {'name': 'a', 'parameters': {'type':"
            + " 'object', 'properties': {'x': {'type': 'array', 'items': {'type': 'string'}}}}}},"
            + " {'type': 'function', 'function': {'name': 'b', 'description': 'has ] and } in"
            + " it'}}]";
    String first =
        json(
            "{"
                + tools
                + ", 'model': 'm', 'messages': [{'role': 'user', 'content': 'hi'}],"
                + " 'tool_choice': {'type': 'function', 'function': {'name': 'b'}},"
                + " 'max_tokens': 7}");
    // the second time the array is known: the parser jumps to its end, then reads on
    for (int i = 0; i < 3; i++) {
      OpenAiChatRequest r = agree(first);
      assertEquals(ToolChoice.tool("b"), r.chatRequest().toolChoice().orElseThrow());
      assertEquals(7, r.chatRequest().maxTokens().getAsInt());
      assertEquals(2, fast(first).chatRequest().tools().size());
    }
    // the known array followed by a second one in the same body: a repeated field, refused
    String twice =
        first.replace("{" + json(tools) + ",", "{" + json(tools) + ", " + json(tools) + ",");
    assertNull(fast(twice));
    // the known array's bytes followed by more elements are a different, longer array
    String longer =
        tools.replace("it'}}]", "it'}}, {'type': 'function', 'function': {'name': 'c'}}]");
    assertEquals(
        3,
        agree(
                json(
                    "{"
                        + longer
                        + ", 'model': 'm', 'messages': [{'role': 'user', 'content': 'hi'}]}"))
            .chatRequest()
            .tools()
            .size());
  }

  @Test
  void aCodecWithoutRequestMemoryDecodesEveryRequestAfresh() {
    OpenAiChatCodec forgetful = codec.withoutRequestMemory();
    assertTrue(codec.remembersRequests());
    assertEquals(false, forgetful.remembersRequests());
    assertSame(forgetful, forgetful.withoutRequestMemory());
    RequestDecoder plain = forgetful.requestDecoder();
    String body =
        json(
            "{'model': 'm', 'messages': [{'role': 'system', 'content': 'Be brief.'}, {'role':"
                + " 'user', 'content': 'hi'}], 'tools': [{'type': 'function', 'function': {'name':"
                + " 'get', 'parameters': {'type': 'object'}}}]}");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OpenAiChatRequest once = plain.decodeStreaming(bytes);
    OpenAiChatRequest again = plain.decodeStreaming(bytes);
    // the same request, but nothing taken from the first decoding
    assertEquals(once.chatRequest(), again.chatRequest());
    assertEquals(decoder.decodeStreaming(bytes).chatRequest(), again.chatRequest());
    for (int i = 0; i < 2; i++) {
      assertNotSame(once.chatRequest().messages().get(i), again.chatRequest().messages().get(i));
    }
    assertNotSame(once.chatRequest().tools().get(0), again.chatRequest().tools().get(0));
    // while the default codec's decoder reuses them
    List<Message> first = decoder.decodeStreaming(bytes).chatRequest().messages();
    assertSame(first.get(1), decoder.decodeStreaming(bytes).chatRequest().messages().get(1));
  }

  @Test
  void aPromptIsKeptTheSecondTimeItsBytesAreSeenAndToolsAtOnce() {
    byte[] bytes =
        json("{'model': 'm', 'messages': [{'role': 'user', 'content': 'Asked once, or twice?'}],"
                + " 'tools': [{'type': 'function', 'function': {'name': 'get', 'parameters':"
                + " {'type': 'object'}}}]}")
            .getBytes(StandardCharsets.UTF_8);
    ChatRequest once = decoder.decodeStreaming(bytes).chatRequest();
    ChatRequest twice = decoder.decodeStreaming(bytes).chatRequest();
    ChatRequest thrice = decoder.decodeStreaming(bytes).chatRequest();
    // a single-turn prompt seen once is only marked, not copied: read afresh the second time
    assertEquals(once, twice);
    assertNotSame(once.messages().get(0), twice.messages().get(0));
    assertSame(twice.messages().get(0), thrice.messages().get(0));
    // an application's tools come back with every request: kept the first time
    assertSame(once.tools().get(0), twice.tools().get(0));
  }

  @Test
  void aConversationsLaterMessagesAreKeptAtOnce() {
    String history =
        "{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'Hi there.'},"
            + " {'role': 'assistant', 'content': 'Hello!'}, {'role': 'user', 'content': 'And?'}";
    byte[] bytes =
        json("{'model': 'm', 'messages': [" + history + "]}").getBytes(StandardCharsets.UTF_8);
    List<Message> once = decoder.decodeStreaming(bytes).chatRequest().messages();
    List<Message> twice = decoder.decodeStreaming(bytes).chatRequest().messages();
    List<Message> thrice = decoder.decodeStreaming(bytes).chatRequest().messages();
    // the first two, all a single-turn request has, from their second sight
    assertNotSame(once.get(0), twice.get(0));
    assertNotSame(once.get(1), twice.get(1));
    assertSame(twice.get(0), thrice.get(0));
    assertSame(twice.get(1), thrice.get(1));
    // the rest belong to a conversation that goes on: from their first
    assertSame(once.get(2), twice.get(2));
    assertSame(once.get(3), twice.get(3));
    assertEquals("And?", thrice.get(3).text());
  }

  @Test
  void aConversationsHistoryIsReusedFromItsBytesAndNewMessagesAreRead() {
    String turn1 =
        "{'role': 'system', 'content': 'Be brief, naïvely.'}, {'role': 'user', 'content':"
            + " [{'type': 'text', 'text': 'What is 2+2?'}]}";
    String turn2 =
        turn1
            + ", {'role': 'assistant', 'content': null, 'tool_calls': [{'id': 'c1', 'type':"
            + " 'function', 'function': {'name': 'add', 'arguments': '{\\\"a\\\": 2}'}}]},"
            + " {'role': 'tool', 'tool_call_id': 'c1', 'content': '4'}";
    String first = json("{'model': 'm', 'messages': [" + turn1 + "]}");
    String second = json("{'model': 'm', 'max_tokens': 9, 'messages': [" + turn2 + "]}");
    agree(first);
    agree(second); // the history at another offset, with new messages after it
    List<Message> a = fast(first).chatRequest().messages();
    List<Message> b = fast(second).chatRequest().messages();
    assertEquals(4, b.size());
    assertSame(a.get(0), b.get(0));
    assertSame(a.get(1), b.get(1));
    assertEquals(Role.TOOL, b.get(3).role());
    // one byte different: decoded afresh
    OpenAiChatRequest changed = agree(first.replace("2+2", "2+3"));
    assertEquals(
        "What is 2+3?",
        ((ContentPart.Text) changed.chatRequest().messages().get(1).content().get(0)).text());
    // a known message followed by something that breaks the body: still the tree decoder's call
    assertNull(fast(first.replace("]}", "] garbage}")));
  }

  @Test
  void aRepeatedToolSchemaIsReusedFromItsBytes() {
    String tools =
        "'tools': [{'type': 'function', 'function': {'name': 'f', 'parameters':"
            + " {'type': 'object', 'properties': {'a': {'type': 'string', 'enum': ['x', 1.50]}}}}}]";
    OpenAiChatRequest first = agree(body(tools));
    OpenAiChatRequest again = agree(body(tools));
    String schema = first.chatRequest().tools().get(0).parametersJsonSchema();
    assertEquals(
        json("{'type':'object','properties':{'a':{'type':'string','enum':['x',1.50]}}}"), schema);
    assertSame(
        decoder
            .decodeStreaming(body(tools).getBytes(StandardCharsets.UTF_8))
            .chatRequest()
            .tools()
            .get(0)
            .parametersJsonSchema(),
        decoder
            .decodeStreaming(body(tools).getBytes(StandardCharsets.UTF_8))
            .chatRequest()
            .tools()
            .get(0)
            .parametersJsonSchema(),
        "the second decode reuses the first one's text");
    assertEquals(first, again);
    // the same schema at another offset, spaced differently: compacted alike
    OpenAiChatRequest spaced =
        agree(
            json(
                "{ 'tools' : [ { 'type' : 'function' , 'function' : { 'name' : 'f' , 'parameters' :"
                    + " { 'type' : 'object' , 'properties' : { 'a' : { 'type' : 'string' , 'enum'"
                    + " : [ 'x' , 1.50 ] } } } } } ] , 'model': 'm', 'messages': [{'role': 'user',"
                    + " 'content': 'hi'}]}"));
    assertEquals(schema, spaced.chatRequest().tools().get(0).parametersJsonSchema());
    // a schema the fast path refuses (a repeated key) is refused every time, never cached
    String repeated =
        "'tools': [{'type': 'function', 'function': {'name': 'f', 'parameters':"
            + " {'type': 'object', 'type': 'object'}}}]";
    for (int i = 0; i < 2; i++) {
      assertNull(fast(body(repeated)));
    }
  }

  @Test
  void fieldOrderDoesNotMatter() throws Exception {
    for (String request :
        List.of(OpenAiChatCodecTest.AGENT_REQUEST, OpenAiChatCodecTest.DOCUMENT_REQUEST)) {
      ChatRequest expected = codec.decodeRequest(request).chatRequest();
      for (boolean reverse : new boolean[] {true, false}) {
        ChatRequest r = agree(reorder(PLAIN.readTree(request), reverse).toString()).chatRequest();

        // schemas keep their (reordered) text; everything else is as before
        assertEquals(expected.messages(), r.messages());
        assertEquals(expected.toolChoice(), r.toolChoice());
        assertEquals(expected.metadata(), r.metadata());
        assertEquals(expected.maxTokens(), r.maxTokens());
        assertEquals(expected.stopSequences(), r.stopSequences());
        assertEquals(
            PLAIN.readTree(expected.tools().get(0).parametersJsonSchema()),
            PLAIN.readTree(r.tools().get(0).parametersJsonSchema()));
      }
    }
  }

  @Test
  void everyMutationOfTheRealisticRequestsDecodesAlikeBothWays() throws Exception {
    int variants = 0;
    int repeats = 0;
    for (String request :
        List.of(OpenAiChatCodecTest.AGENT_REQUEST, OpenAiChatCodecTest.DOCUMENT_REQUEST)) {
      JsonNode root = PLAIN.readTree(request);
      for (String variant : mutations(root)) {
        if (agree(variant) == null && refusedAsInvalidJson(variant)) {
          repeats++;
        }
        variants++;
      }
    }
    assertEquals(true, variants > 2000, "only " + variants + " variants");
    // the mutations that repeat a field are all refused as malformed
    assertEquals(true, repeats > 200, "only " + repeats + " bodies with a repeated field");
  }

  private boolean refusedAsInvalidJson(String body) {
    try {
      codec.decodeRequest(body);
      return false;
    } catch (OpenAiRequestException e) {
      return e.code().equals(OpenAiRequestException.INVALID_JSON);
    }
  }

  /** A copy of {@code node} whose objects have their fields reversed, or rotated by one. */
  private static JsonNode reorder(JsonNode node, boolean reverse) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
      if (reverse) {
        java.util.Collections.reverse(fields);
      } else if (!fields.isEmpty()) {
        fields.add(fields.remove(0));
      }
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : fields) {
        o.set(e.getKey(), reorder(e.getValue(), reverse));
      }
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = NODES.arrayNode();
      node.forEach(e -> a.add(reorder(e, reverse)));
      return a;
    }
    return node;
  }

  private static final List<JsonNode> REPLACEMENTS =
      List.of(
          NODES.nullNode(),
          NODES.numberNode(0),
          NODES.numberNode(1),
          NODES.numberNode(-1),
          NODES.numberNode(new java.math.BigDecimal("1.5")),
          NODES.numberNode(new java.math.BigDecimal("0.0")),
          NODES.textNode(""),
          NODES.textNode("x"),
          NODES.textNode("text"),
          NODES.textNode("function"),
          NODES.textNode("{}"),
          NODES.booleanNode(true),
          NODES.booleanNode(false),
          NODES.arrayNode(),
          NODES.arrayNode().add("text"),
          NODES.objectNode(),
          NODES.objectNode().put("type", "text"));

  /** A field name that mutations() turns into a repeat of the field before it. */
  private static final String DUPLICATE = "\u0001dup:";

  /**
   * The body with each value in turn replaced, each field removed, an unknown field added, each
   * field repeated (with its value, and with null).
   */
  private static List<String> mutations(JsonNode root) {
    List<String> out = new ArrayList<>();
    walk(
        root,
        root,
        edit -> {
          out.add(repeatFields(root.toString()));
          edit.run();
        });
    return out;
  }

  /**
   * Renames the marked fields: {@code "DUPLICATE"} after {@code "k"} to k, {@code "DUPLICATEk"} to
   * k.
   */
  private static String repeatFields(String json) {
    String marker = "\"\\u0001dup:";
    int at;
    while ((at = json.indexOf(marker)) >= 0) {
      int end = json.indexOf('"', at + marker.length());
      String suffix = json.substring(at + marker.length(), end);
      String name = suffix;
      if (suffix.isEmpty()) {
        // the name of the field before: the last "name": before the marker at this level
        name = previousFieldName(json, at);
      }
      json = json.substring(0, at) + "\"" + name + json.substring(end);
    }
    return json;
  }

  private static String previousFieldName(String json, int before) {
    int depth = 0;
    for (int i = before - 1; i > 0; i--) {
      char c = json.charAt(i);
      if (c == '}' || c == ']') {
        depth++;
      } else if (c == '{' || c == '[') {
        depth--;
      } else if (c == ':' && depth == 0 && json.charAt(i - 1) == '"') {
        int open = json.lastIndexOf('"', i - 2);
        while (open > 0 && json.charAt(open - 1) == '\\') {
          open = json.lastIndexOf('"', open - 2);
        }
        return json.substring(open + 1, i - 1);
      }
    }
    throw new IllegalStateException(json);
  }

  /**
   * Visits every container below {@code node}; {@code emit} receives a runnable that restores the
   * tree after the mutation it is called for has been serialised.
   */
  private static void walk(JsonNode root, JsonNode node, Consumer<Runnable> emit) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      o.properties().forEach(e -> names.add(e.getKey()));
      for (String name : names) {
        JsonNode original = o.get(name);
        for (JsonNode replacement : REPLACEMENTS) {
          o.set(name, replacement);
          emit.accept(() -> o.set(name, original));
        }
        o.remove(name);
        emit.accept(() -> {});
        restore(o, names, name, original);
        walk(root, original, emit);
      }
      o.set("unexpected", NODES.numberNode(1));
      emit.accept(() -> o.remove("unexpected"));
      for (String name : names) {
        // the field once more, with the same value (renamed to it in the text by mutations())
        o.set(DUPLICATE, o.get(name).deepCopy());
        emit.accept(() -> o.remove(DUPLICATE));
        o.set(DUPLICATE + name, NODES.nullNode());
        emit.accept(() -> o.remove(DUPLICATE + name));
      }
    } else if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        JsonNode original = a.get(i);
        for (JsonNode replacement : REPLACEMENTS) {
          a.set(i, replacement);
          int at = i;
          emit.accept(() -> a.set(at, original));
        }
        walk(root, original, emit);
      }
      a.add(NODES.nullNode());
      emit.accept(() -> a.remove(a.size() - 1));
      if (a.size() > 0) {
        JsonNode first = a.remove(0);
        emit.accept(() -> a.insert(0, first));
      }
    }
  }

  /** Puts {@code name} back where it was among {@code names}. */
  private static void restore(ObjectNode o, List<String> names, String name, JsonNode value) {
    List<Map.Entry<String, JsonNode>> rest = new ArrayList<>(o.properties());
    o.removeAll();
    for (String n : names) {
      if (n.equals(name)) {
        o.set(n, value);
      } else {
        for (Map.Entry<String, JsonNode> e : rest) {
          if (e.getKey().equals(n)) {
            o.set(n, e.getValue());
          }
        }
      }
    }
  }

  // --- edges the streaming reader could get wrong ---

  @Test
  void toolsAndToolChoiceBeforeMessagesAndModelLast() {
    ChatRequest r =
        agree(
                json(
                    "{'tool_choice': {'function': {'name': 'f'}, 'type': 'function'},"
                        + " 'tools': [{'function': {'parameters': {'properties': {}, 'type':"
                        + " 'object'}, 'name': 'f'}, 'type': 'function'}],"
                        + " 'stream_options': {'include_usage': true}, 'stream': true,"
                        + " 'messages': [{'content': 'hi', 'role': 'user'}], 'model': 'm'}"))
            .chatRequest();

    assertEquals("m", r.model());
    assertEquals(ToolChoice.tool("f"), r.toolChoice().orElseThrow());
    assertEquals(
        "{\"properties\":{},\"type\":\"object\"}", r.tools().get(0).parametersJsonSchema());
    assertEquals(List.of(Message.user("hi")), r.messages());
  }

  @Test
  void contentBeforeRoleAndTypeAfterItsValue() {
    ChatRequest r =
        agree(
                json(
                    "{'model': 'm', 'messages': ["
                        + "{'content': [{'text': 'a', 'type': 'text'}, {'image_url': {'detail':"
                        + " 'low', 'url': 'https://x.test/a.png'}, 'type': 'image_url'}],"
                        + " 'role': 'user'},"
                        + "{'tool_calls': [{'function': {'arguments': '{}', 'name': 'f'}, 'id':"
                        + " 'c1'}], 'content': null, 'role': 'assistant'},"
                        + "{'content': 'r', 'tool_call_id': 'c1', 'role': 'tool'},"
                        + "{'content': [{'text': 'x', 'type': 'text'}], 'role': 'system'}]}"))
            .chatRequest();

    assertEquals(
        List.of(
            Message.user(ContentPart.text("a"), ContentPart.Image.ofUrl("https://x.test/a.png")),
            Message.assistant(new ContentPart.ToolCall("c1", "f", "{}")),
            Message.toolResult("c1", "r"),
            Message.system("x")),
        r.messages());
  }

  @Test
  void imagesInAMessageWhoseRoleComesLaterAreStillRefusedOutsideUserMessages() {
    OpenAiRequestException e =
        assertThrows(
            OpenAiRequestException.class,
            () ->
                codec.decodeRequest(
                    json(
                        "{'model': 'm', 'messages': [{'content': [{'type': 'image_url',"
                            + " 'image_url': 'https://x.test/a.png'}], 'role': 'system'}]}")));

    assertEquals("messages[0].content[0].type", e.param().orElseThrow());
  }

  @Test
  void nullsAreAbsentValues() {
    ChatRequest r =
        agree(
                body(
                    "'tools': null, 'tool_choice': null, 'max_tokens': null, 'temperature': null,"
                        + " 'stop': null, 'metadata': null, 'user': null, 'stream': null,"
                        + " 'stream_options': null, 'response_format': null, 'n': null,"
                        + " 'seed': null, 'functions': null, 'function_call': null"))
            .chatRequest();

    assertEquals(decode(body("'n': 1")), r);
  }

  private ChatRequest decode(String json) {
    return codec.decodeRequest(json).chatRequest();
  }

  @Test
  void unknownFieldsWithNestedArraysAreRefusedByName() {
    OpenAiRequestException e =
        assertThrows(
            OpenAiRequestException.class,
            () -> codec.decodeRequest(body("'extra': [[1, [2, {'a': [3]}]], {}], 'more': null")));

    assertEquals("extra", e.param().orElseThrow());
    assertEquals(OpenAiRequestException.UNKNOWN_PARAMETER, e.code());
    assertEquals(true, e.getMessage().contains("'extra', 'more'"), e.getMessage());
  }

  @Test
  void anErrorLateInTheBodyIsReportedAfterEarlierOnesInTheTreeWalkersOrder() {
    // the fast path meets messages[0] first, but the tree walker checks unknown fields first
    OpenAiRequestException e =
        assertThrows(
            OpenAiRequestException.class,
            () ->
                codec.decodeRequest(
                    json("{'model': 'm', 'messages': [{'role': 'robot'}], 'extra': 1}")));

    assertEquals("extra", e.param().orElseThrow());
  }

  @Test
  void aSyntaxErrorAfterARefusedFieldIsStillASyntaxError() {
    OpenAiRequestException e =
        assertThrows(
            OpenAiRequestException.class,
            () -> codec.decodeRequest("{\"model\": 5, \"messages\": [}"));

    assertEquals(OpenAiRequestException.INVALID_JSON, e.code());
  }

  @Test
  void escapedStringsAreDecoded() {
    ChatRequest r =
        agree(
                "{\"model\": \"m\\u0020x\", \"messages\": [{\"role\": \"us\\u0065r\", \"content\":"
                    + " \"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\"}], \"tools\": [{\"type\":"
                    + " \"function\", \"function\": {\"name\": \"f\", \"description\": \"\\u2028\","
                    + " \"parameters\": {\"type\": \"object\", \"description\":"
                    + " \"q\\\"\\u0001\\u00e9\\ud83d\\ude00</\"}}}]}")
            .chatRequest();

    assertEquals("m x", r.model());
    assertEquals(Message.user("a\"b\\c/d\n\t\u00e9\ud83d\ude00"), r.messages().get(0));
    assertEquals("\u2028", r.tools().get(0).description());
    assertEquals(
        "{\"type\":\"object\",\"description\":\"q\\\"\\u0001\u00e9\ud83d\ude00</\"}",
        r.tools().get(0).parametersJsonSchema());
  }

  @Test
  void everyCharacterInACopiedSchemaIsWrittenAsTheTreeWalkerWritesIt() {
    // every UTF-16 unit escaped in the input, then every one that may appear raw (as UTF-8), in
    // values and (but lone surrogates, which the parser refuses there) in field names; in chunks
    // under the parser's limit on name length
    List<String> escaped = new ArrayList<>();
    List<String> raw = new ArrayList<>();
    StringBuilder e = new StringBuilder();
    StringBuilder r = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      if (!Character.isSurrogate((char) c)) {
        e.append(String.format("\\u%04x", c));
        if (c >= 0x20 && c != '"' && c != '\\') {
          r.append((char) c);
        }
      }
      if (c % 4096 == 4095) {
        escaped.add("\"" + e + "\"");
        raw.add(PLAIN.valueToTree(r.append("\ud83d\ude00").toString()).toString());
        e.setLength(0);
        r.setLength(0);
      }
    }
    StringBuilder surrogates = new StringBuilder("\"");
    for (int c = 0xD800; c <= 0xDFFF; c++) {
      surrogates.append(String.format("\\u%04x", c));
    }
    surrogates.append('"');
    for (List<String> chunks : List.of(escaped, raw)) {
      StringBuilder schema = new StringBuilder("{\"type\": \"object\"");
      for (String chunk : chunks) {
        schema.append(", ").append(chunk).append(": ").append(chunk);
      }
      schema.append(", \"lone surrogates\": ").append(surrogates).append('}');
      ChatRequest decoded =
          agree(
                  "{\"model\": \"m\", \"messages\": [{\"role\": \"assistant\", \"tool_calls\":"
                      + " [{\"id\": \"c\", \"function\": {\"name\": \"f\", \"arguments\": "
                      + schema
                      + "}}]}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\":"
                      + " \"f\", \"parameters\": "
                      + schema
                      + "}}]}")
              .chatRequest();

      assertEquals(true, decoded.tools().get(0).parametersJsonSchema().length() > 100_000);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.50",
        "0.0",
        "-0.0",
        "-0",
        "0",
        "1e5",
        "1E+5",
        "2.5e-3",
        "100.000",
        "0e10",
        "2147483647",
        "2147483648",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "123456789012345678901234567890",
        "1e-400",
        "1.7976931348623157e309",
        "3.14159265358979323846264338327950288"
      })
  void numbersInSchemasAndArgumentsAreWrittenAsTheTreeWalkerWritesThem(String number) {
    String schema = "{'type': 'object', 'default': N, 'enum': [N, [N, {'x': N}]], 'n': null}";
    ChatRequest r =
        agree(
                json("{'model': 'm', 'messages': [{'role': 'assistant', 'tool_calls': [{'id': 'c',"
                        + " 'function': {'name': 'f', 'arguments': {'a': N, 'b': [true, false,"
                        + " null, 'N']}}}]}, {'role': 'user', 'content': 'x'}], 'tools':"
                        + " [{'type': 'function', 'function': {'name': 'f', 'parameters': "
                        + schema
                        + "}}]}")
                    .replace("N", number))
            .chatRequest();

    assertEquals(
        json(schema.replace(" ", "").replace("N", canonical(number))),
        r.tools().get(0).parametersJsonSchema());
  }

  /** How a BigDecimal or integer node writes {@code number}. */
  private static String canonical(String number) {
    if (number.matches("-?[0-9]+")) {
      return new java.math.BigInteger(number).toString();
    }
    return new java.math.BigDecimal(number).toString();
  }

  @Test
  void shortDecimalsAreTheDoublesTheirBigDecimalsGive() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    List<String> numbers =
        new java.util.ArrayList<>(
            List.of(
                "0.0",
                "-0.0",
                "0.1",
                "0.3",
                "0.30000000000000004",
                "1.5",
                "-2.25",
                "0.7",
                "4503599627370495.5",
                "450359962737049.55",
                "0.0000000000000000000001",
                "0.00000000000000000000001",
                "123456789.123456",
                "1.0000000000000002"));
    for (int i = 0; i < 20_000; i++) {
      long whole = random.nextLong(1_000_000);
      String fraction = Long.toString(random.nextLong(1L << 40));
      numbers.add((random.nextBoolean() ? "-" : "") + whole + "." + fraction);
    }
    for (String n : numbers) {
      double fast = StreamingRequestDecoder.shortDecimal(n.toCharArray(), 0, n.length());
      if (!Double.isNaN(fast)) {
        assertEquals(
            Double.doubleToRawLongBits(new java.math.BigDecimal(n).doubleValue()),
            Double.doubleToRawLongBits(fast),
            n);
      }
    }
    // what it leaves to the BigDecimal: exponents, too many digits, too small a unit
    for (String n : List.of("1e5", "1.5E-3", "12345678901234567.5", "0.00000000000000000000001")) {
      assertTrue(
          Double.isNaN(StreamingRequestDecoder.shortDecimal(n.toCharArray(), 0, n.length())));
    }
    assertEquals(0.3, StreamingRequestDecoder.shortDecimal("x0.3y".toCharArray(), 1, 3));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'temperature': 0",
        "'temperature': 2",
        "'temperature': 0.7",
        "'temperature': 1e-400",
        "'temperature': 2.0000000000000000001",
        "'temperature': 2.000000000000001",
        "'temperature': -0.0",
        "'temperature': -0e5",
        "'temperature': 0.30000000000000004",
        "'temperature': 1.99999999999999999999",
        "'temperature': 0.1e1",
        "'top_p': -0.0",
        "'top_p': 1E0",
        "'frequency_penalty': 1e-400",
        "'presence_penalty': -0.0",
        "'frequency_penalty': 0.0",
        "'max_tokens': 2147483647",
        "'max_tokens': 2147483648",
        "'max_tokens': 1.0",
        "'n': 1.0",
        "'n': 18446744073709551617",
        "'top_logprobs': 0.0",
        "'top_logprobs': 18446744073709551616",
        "'temperature': 12345678901234567890",
        "'stop': []",
        "'stop': ['']",
        "'metadata': {}",
        "'metadata': {'b': '1', 'a': '2'}, 'user': 'u'",
        "'user': 'u', 'metadata': {'b': '1', 'a': '2'}",
        "'stream': false",
        "'stream': true, 'stream_options': {'include_usage': null}",
        "'stream': true, 'stream_options': {}",
        "'response_format': {}",
        "'response_format': {'type': null}",
        "'modalities': []",
        "'modalities': ['text', 'text']",
        "'service_tier': null",
        "'logit_bias': {'1': 0}",
        "'tool_choice': 'none'",
        "'tool_choice': 'auto', 'tools': []",
        "'tools': [], 'tool_choice': 'required'",
        "'parallel_tool_calls': false",
        "'reasoning_effort': 'minimal'",
        "'reasoning_effort': 'HIGH'"
      })
  void scalarOptionsDecodeAlikeBothWays(String fields) {
    // n and top_logprobs that wrap to 1 and 0 as longs are accepted by the tree walker; the fast
    // path leaves such numbers to it
    agree(body(fields), false);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\": 1}",
        "{\"a\": 1e9999999999}",
        "{\"a\": 1, \"a\": 2}",
        "{\"a\": {\"b\": 1, \"b\": 2}}",
        "{\"a\": {\"b\": 1}, \"b\": 2}",
        "{\"x\": [{\"a\": 1}, {\"a\": 2}], \"a\": [[{\"x\": 1}]]}",
        "{\"1\":1,\"2\":2,\"3\":3,\"4\":4,\"5\":5,\"6\":6,\"7\":7,\"8\":8,\"9\":9,\"10\":0}",
        "{\"1\":1,\"2\":2,\"3\":3,\"4\":4,\"5\":5,\"6\":6,\"7\":7,\"8\":8,\"9\":9,\"1\":0}",
        "{\"a\": [1, {\"b\": null}]}",
        "{\"a\": \"\\u00e9\"}",
        "{} ",
        " {}",
        "{}}",
        "{\"a\": 01}",
        "{\"a\": NaN}",
        "{\"a\": 'x'}",
        "null",
        "\"{}\"",
        "{\"a\":"
      })
  void toolCallArgumentTextIsCheckedAsTheTreeWalkerChecksIt(String arguments) throws Exception {
    String body =
        json("{'model': 'm', 'messages': [{'role': 'assistant', 'tool_calls': [{'id': 'c',"
                + " 'function': {'name': 'f', 'arguments': ARGS}}]}]}")
            .replace("ARGS", PLAIN.writeValueAsString(arguments));

    agree(body);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'type': 'object', 'type': 'object'}",
        "{'type': 'object', 'a': {'b': 1, 'b': 2}}",
        "{'type': 'object', 'a': {'b': {'c': 1}, 'c': 2}, 'b': 3}",
        "{'type': 'object', 'a': [{'b': 1}, {'b': 2}], 'b': [{'a': 1, 'a': 2}]}",
        "{'a1': 1, 'a2': 2, 'a3': 3, 'a4': 4, 'a5': 5, 'a6': 6, 'a7': 7, 'a8': 8, 'a9': 9,"
            + " 'x': {'a1': 1, 'a2': 2, 'a3': 3, 'a4': 4, 'a5': 5, 'a6': 6, 'a7': 7, 'a8': 8,"
            + " 'a9': 9, 'a10': {'a10': 1}}, 'a10': 10, 'a11': 11}",
        "{'a1': 1, 'a2': 2, 'a3': 3, 'a4': 4, 'a5': 5, 'a6': 6, 'a7': 7, 'a8': 8, 'a9': 9,"
            + " 'x': {'y': 1}, 'a10': 10, 'a3': 11}",
        "{'a1': 1, 'a2': 2, 'a3': 3, 'a4': 4, 'a5': 5, 'a6': 6, 'a7': 7, 'a8': 8, 'a9': 9,"
            + " 'x': {'a1': 1, 'a2': 2, 'a3': 3, 'a4': 4, 'a5': 5, 'a6': 6, 'a7': 7, 'a8': 8,"
            + " 'a9': 9, 'a9': 10}}"
      })
  void repeatedFieldsInCopiedObjectsAreFoundAtEveryDepth(String schema) {
    String parameters = json(schema);
    String arguments = parameters.replace("\"type\": \"object\", ", "");
    agree(
        json(
            "{'model': 'm', 'messages': [{'role': 'assistant', 'tool_calls': [{'id': 'c',"
                + " 'function': {'name': 'f', 'arguments': "
                + arguments
                + "}}]}], 'tools': [{'type': 'function', 'function': {'name': 'f',"
                + " 'parameters': "
                + parameters
                + "}}]}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'metadata': {'a': 'x', 'a': 'y'}",
        "'metadata': {'a': 'x', 'b': 'y', 'c': 'z', 'a': 'w'}",
        "'stream': true, 'stream_options': {'include_usage': true, 'include_usage': false}",
        "'response_format': {'type': 'text', 'type': 'text'}",
        "'tool_choice': 'none', 'tool_choice': 'auto'",
        "'n': null, 'n': 1",
        "'tools': [{'type': 'function', 'function': {'name': 'f', 'name': 'f'}}]",
        "'tools': [{'type': 'function', 'type': 'function', 'function': {'name': 'f'}}]",
        "'tools': [{'type': 'function', 'function': {'name': 'f'}}], 'tool_choice': {'type':"
            + " 'function', 'function': {'name': 'f', 'name': 'f'}}"
      })
  void repeatedFieldsAreRefusedAsInvalidJson(String fields) {
    String body = body(fields);

    assertNull(agree(body));
    assertEquals(
        OpenAiRequestException.INVALID_JSON,
        assertThrows(OpenAiRequestException.class, () -> codec.decodeRequest(body)).code());
  }

  @Test
  void toolNamesFollowOpenAisPattern() {
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    List<String> names = new ArrayList<>(List.of("", "a", "a b", "a.b", "é", "a-b_C9", "x\n"));
    names.add("a".repeat(64));
    names.add("a".repeat(65));
    for (char c = 0; c < 0x180; c++) {
      names.add("f" + c);
    }
    for (String name : names) {
      assertEquals(pattern.matcher(name).matches(), StreamingRequestDecoder.isToolName(name), name);
    }
  }

  @Test
  void manyToolsWithADuplicateNameAreRefused() {
    StringBuilder tools = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      tools.append("{'type': 'function', 'function': {'name': 't").append(i).append("'}}, ");
    }
    String fine = body("'tools': [" + tools + "{'type': 'function', 'function': {'name': 'x'}}]");
    String duplicate =
        body("'tools': [" + tools + "{'type': 'function', 'function': {'name': 't7'}}]");

    assertEquals(41, agree(fine).chatRequest().tools().size());
    OpenAiRequestException e =
        assertThrows(OpenAiRequestException.class, () -> codec.decodeRequest(duplicate));
    assertEquals("tools[40].function.name", e.param().orElseThrow());
    assertNull(agree(duplicate));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{}",
        "[]",
        "null",
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]} {}",
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}   ",
        "{\"model\": \"m\", \"model\": \"m\", \"messages\": []}",
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"role\": \"user\"}]}",
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"\\ud800\"}]}",
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"\\x\"}]}"
      })
  void oddBodiesDecodeAlikeBothWays(String body) {
    agree(body);
  }

  @Test
  void invalidUtf8IsRefusedAsInvalidJson() {
    byte[] body =
        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"\u00ff\"}]}"
            .getBytes(StandardCharsets.ISO_8859_1);

    assertNull(decoder.decodeStreaming(body));
    assertEquals(
        OpenAiRequestException.INVALID_JSON,
        assertThrows(OpenAiRequestException.class, () -> codec.decodeRequest(body)).code());
  }

  @Test
  void filesAndDataUrlsDecodeAlikeBothWays() {
    for (String part :
        List.of(
            "{'type': 'file', 'file': {'file_data': 'data:application/pdf;base64,JVBER',"
                + " 'filename': null, 'file_id': null}}",
            "{'file': {'filename': 'a.b.TXT', 'file_data': 'aGk='}, 'type': 'file'}",
            "{'type': 'file', 'file': {'filename': 'noext', 'file_data': 'aGk='}}",
            "{'type': 'file', 'file': {'filename': 'a.pdf', 'file_data': ''}}",
            "{'type': 'file', 'file': {'file_data': 'DATA:Application/PDF;charset=x;BASE64,QQ=='}}",
            "{'type': 'image_url', 'image_url': 'data:image/png;base64,iVBO'}",
            "{'type': 'image_url', 'image_url': 'HTTP://x.test/a.png'}",
            "{'type': 'image_url', 'image_url': {'url': 'https://x.test/a.png', 'detail': null}}",
            "{'type': 'image_url', 'image_url': {'url': 'data:image/png;base64,'}}",
            "{'type': 'image_url', 'image_url': {'url': 'data:,abc'}}",
            "{'type': 'image_url', 'image_url': {}}",
            "{'type': 'text', 'text': ''}")) {
      agree(json("{'model': 'm', 'messages': [{'role': 'user', 'content': [" + part + "]}]}"));
    }
  }

  @Test
  void aLargeRequestTakesTheFastPath() {
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      messages
          .append("{'role': 'user', 'content': 'question ")
          .append(i)
          .append("'}, {'role': 'assistant', 'content': null, 'tool_calls': [{'id': 'c")
          .append(i)
          .append("', 'type': 'function', 'function': {'name': 'f', 'arguments':")
          .append(" '{\\'q\\': ")
          .append(i)
          .append("}'}}]}, {'role': 'tool', 'tool_call_id': 'c")
          .append(i)
          .append("', 'content': 'r'}, ");
    }
    messages.append("{'role': 'user', 'content': 'done'}");
    String body =
        json("{'model': 'm', 'messages': [" + messages + "], 'tools': [{'type': 'function',")
            + json(" 'function': {'name': 'f', 'parameters': {'type': 'object'}}}]}");

    ChatRequest r = agree(body).chatRequest();

    assertEquals(601, r.messages().size());
    assertEquals(Role.TOOL, r.messages().get(2).role());
    assertEquals(
        "{\"q\": 7}",
        ((ContentPart.ToolCall) r.messages().get(22).content().get(0)).argumentsJson());
    assertEquals(List.of(new Tool("f", "", "{\"type\":\"object\"}")), r.tools());
  }
}
