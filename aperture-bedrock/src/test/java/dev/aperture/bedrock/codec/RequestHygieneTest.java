package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.codec.PreparedRequest.PreparedTool;
import dev.aperture.bedrock.codec.PreparedRequest.Turn;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ContentPart.CachePoint;
import dev.aperture.chat.ContentPart.Text;
import dev.aperture.chat.ContentPart.ToolCall;
import dev.aperture.chat.ContentPart.ToolResult;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestHygieneTest {
  private static ImmutableChatRequest.Builder request(Message... messages) {
    return ChatRequest.builder()
        .model("anthropic.claude-3-5-haiku-20241022-v1:0")
        .addMessages(messages);
  }

  private static PreparedRequest prepare(Message... messages) {
    return RequestHygiene.prepare(request(messages).build());
  }

  private static BedrockRequestException refusal(ChatRequest request) {
    return assertThrows(BedrockRequestException.class, () -> RequestHygiene.prepare(request));
  }

  private static void assertMentions(Exception e, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(
          e.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + e.getMessage());
    }
  }

  private static Turn user(ContentPart... parts) {
    return new Turn(Role.USER, List.of(parts));
  }

  private static Turn assistant(ContentPart... parts) {
    return new Turn(Role.ASSISTANT, List.of(parts));
  }

  private static Text text(String s) {
    return new Text(s);
  }

  @Test
  void blankTextIsDroppedAndAMessageLeftEmptyGoesWithIt() {
    PreparedRequest prepared =
        prepare(
            Message.system("   "),
            Message.user(text("Hi"), text(""), text(" \n\t")),
            Message.assistant(" "),
            Message.user("Still there?"));

    assertEquals(List.of(), prepared.system());
    assertEquals(List.of(user(text("Hi"), text("Still there?"))), prepared.turns());
  }

  @Test
  void aMessageWithAToolCallIsNeverDroppedEvenWithoutText() {
    PreparedRequest prepared =
        prepare(
            Message.user("Time?"),
            Message.assistant(text(""), new ToolCall("t1", "get_time", "{}")),
            Message.toolResult("t1", "noon"));

    assertEquals(
        List.of(
            user(text("Time?")),
            assistant(new ToolCall("t1", "get_time", "{}")),
            user(ToolResult.ofText("t1", "noon"))),
        prepared.turns());
  }

  @Test
  void aConversationThatStartsWithAnAssistantTurnIsRefusedNotPatched() {
    BedrockRequestException e =
        refusal(
            request(Message.system("Rules"), Message.assistant("Hello!"), Message.user("Hi"))
                .build());

    assertMentions(e, "messages[1]", "must start with a user turn");
    assertEquals(400, e.httpStatus());
  }

  @Test
  void aLeadingUserTurnThatIsOnlyBlankDoesNotHideAnAssistantStart() {
    BedrockRequestException e =
        refusal(request(Message.user(" "), Message.assistant("Hello!")).build());

    assertMentions(e, "messages[1]", "user turn");
  }

  @Test
  void aRequestWithoutAnyUserContentIsRefused() {
    assertMentions(refusal(request(Message.system("Rules")).build()), "no user message");
  }

  @Test
  void consecutiveTurnsOfOneRoleAreMerged() {
    PreparedRequest prepared =
        prepare(
            Message.user("One"),
            Message.user("Two"),
            Message.assistant("A"),
            Message.assistant("B"),
            Message.user("Three"));

    assertEquals(
        List.of(
            user(text("One"), text("Two")), assistant(text("A"), text("B")), user(text("Three"))),
        prepared.turns());
  }

  @Test
  void consecutiveToolResultsMergeIntoOneUserTurnFollowedByTheUserText() {
    PreparedRequest prepared =
        prepare(
            Message.user("Both?"),
            Message.assistant(new ToolCall("t1", "a", "{}"), new ToolCall("t2", "b", "{}")),
            Message.toolResult("t1", "A"),
            Message.toolResult("t2", "B"),
            Message.user("Thanks"));

    assertEquals(
        user(ToolResult.ofText("t1", "A"), ToolResult.ofText("t2", "B"), text("Thanks")),
        prepared.turns().get(2));
    assertEquals(3, prepared.turns().size());
  }

  @Test
  void toolResultsLeadTheirUserTurnAndKeepTheirCachePoint() {
    PreparedRequest prepared =
        prepare(
            Message.user("Go"),
            Message.assistant(new ToolCall("t1", "a", "{}")),
            Message.user(text("Note first"), ToolResult.ofText("t1", "A"), CachePoint.DEFAULT));

    assertEquals(
        user(ToolResult.ofText("t1", "A"), CachePoint.DEFAULT, text("Note first")),
        prepared.turns().get(2));
  }

  @Test
  void toolCallArgumentsAreCompactObjectsAndMissingArgumentsAreAnEmptyObject() {
    PreparedRequest prepared =
        prepare(
            Message.user("Go"),
            Message.assistant(
                new ToolCall("t1", "a", ""),
                new ToolCall("t2", "b", "null"),
                new ToolCall("t3", "c", "{ \"x\" : 1 }")),
            new Message(
                Role.TOOL,
                List.of(
                    ToolResult.ofText("t1", "1"),
                    ToolResult.ofText("t2", "2"),
                    ToolResult.ofText("t3", "3"))));

    assertEquals(
        assistant(
            new ToolCall("t1", "a", "{}"),
            new ToolCall("t2", "b", "{}"),
            new ToolCall("t3", "c", "{\"x\":1}")),
        prepared.turns().get(1));
  }

  @Test
  void toolCallArgumentsThatAreNotAJsonObjectAreRefused() {
    assertMentions(
        refusal(
            request(Message.user("Go"), Message.assistant(new ToolCall("t1", "a", "[1]"))).build()),
        "messages[1].content[0]",
        "must be a JSON object");
    assertMentions(
        refusal(
            request(Message.user("Go"), Message.assistant(new ToolCall("t1", "a", "{oops")))
                .build()),
        "messages[1].content[0]",
        "not valid JSON");
  }

  @Test
  void theSameToolObjectsArePreparedOnceAndEqualOnesAlike() {
    Tool lookup = new Tool("lookup", "Finds", "{\"properties\":{}}");
    Tool fetch = new Tool("fetch", "", "{\"type\":\"object\"}");
    PreparedRequest first =
        RequestHygiene.prepare(request(Message.user("Go")).addTools(lookup, fetch).build());
    PreparedRequest again =
        RequestHygiene.prepare(request(Message.user("Again")).addTools(lookup, fetch).build());
    assertSame(first.tools(), again.tools());

    // equal but not the same objects, or the same ones in another order: prepared afresh
    PreparedRequest copies =
        RequestHygiene.prepare(
            request(Message.user("Go"))
                .addTools(new Tool("lookup", "Finds", "{\"properties\":{}}"), fetch)
                .build());
    assertEquals(first.tools(), copies.tools());
    PreparedRequest swapped =
        RequestHygiene.prepare(request(Message.user("Go")).addTools(fetch, lookup).build());
    assertEquals("fetch", swapped.tools().get(0).name());
    assertEquals("{\"type\":\"object\",\"properties\":{}}", swapped.tools().get(1).schemaJson());

    // a refused set is refused every time
    Tool bad = new Tool("no spaces", "", "{}");
    for (int i = 0; i < 2; i++) {
      assertMentions(
          refusal(request(Message.user("Go")).addTools(bad).build()), "tools[0]", "no spaces");
    }
  }

  @Test
  void aToolSchemaWithoutATypeBecomesAnObjectSchema() {
    PreparedRequest prepared =
        RequestHygiene.prepare(
            request(Message.user("Go"))
                .addTools(new Tool("lookup", "", "{\"properties\":{\"q\":{\"type\":\"string\"}}}"))
                .build());

    assertEquals(
        List.of(
            new PreparedTool(
                "lookup",
                "",
                "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}")),
        prepared.tools());
  }

  @Test
  void aToolSchemaWhoseRootIsNotAnObjectIsRefusedNamingTheTool() {
    BedrockRequestException e =
        refusal(
            request(Message.user("Go"))
                .addTools(new Tool("list_all", "", "{\"type\":\"array\",\"items\":{}}"))
                .build());

    assertMentions(e, "tools[0]", "list_all", "root type 'object'");
  }

  @Test
  void toolNamesOutsideTheAllowedAlphabetOrTooLongAreRefused() {
    assertMentions(
        refusal(
            request(Message.user("Go"))
                .addTools(Tool.withoutParameters("get.weather", ""))
                .build()),
        "tools[0]",
        "get.weather",
        "[a-zA-Z0-9_-]");
    assertMentions(
        refusal(
            request(Message.user("Go"))
                .addTools(Tool.withoutParameters("x".repeat(65), ""))
                .build()),
        "1 to 64 characters");
    assertDoesNotThrow(
        () ->
            RequestHygiene.prepare(
                request(Message.user("Go"))
                    .addTools(Tool.withoutParameters("x".repeat(64), ""))
                    .build()));
  }

  @Test
  void twoToolsWithOneNameAreRefused() {
    assertMentions(
        refusal(
            request(Message.user("Go"))
                .addTools(Tool.withoutParameters("a", ""), Tool.withoutParameters("a", ""))
                .build()),
        "tools[1]",
        "used by two tools");
  }

  @Test
  void toolHistoryWithoutToolsSynthesisesOneMinimalToolPerName() {
    PreparedRequest prepared =
        prepare(
            Message.user("Go"),
            Message.assistant(new ToolCall("t1", "a", "{}"), new ToolCall("t2", "a", "{}")),
            new Message(
                Role.TOOL, List.of(ToolResult.ofText("t1", "1"), ToolResult.ofText("t2", "2"))));

    assertTrue(prepared.historyHasToolBlocks());
    assertEquals(
        List.of(new PreparedTool("a", "", "{\"type\":\"object\",\"properties\":{}}")),
        prepared.tools());
  }

  @Test
  void aToolChoiceThatCannotBeMetIsRefused() {
    assertMentions(
        refusal(
            request(Message.user("Go"))
                .addTools(Tool.withoutParameters("a", ""))
                .toolChoice(ToolChoice.tool("b"))
                .build()),
        "'b'",
        "not among the tools");
    assertMentions(
        refusal(request(Message.user("Go")).toolChoice(ToolChoice.ANY).build()), "no tools");
  }

  @Test
  void fourCachePointsAreAllowedAndTheFifthIsRefusedWithItsLocation() {
    Message system = new Message(Role.SYSTEM, List.of(text("Rules"), CachePoint.DEFAULT));
    Message first = Message.user(text("a"), CachePoint.DEFAULT, text("b"), CachePoint.DEFAULT);
    Message reply = Message.assistant(text("ok"), CachePoint.DEFAULT);
    Message last = Message.user(text("c"), CachePoint.DEFAULT);

    assertDoesNotThrow(() -> prepare(system, first, reply));
    assertMentions(
        refusal(request(system, first, reply, last).build()),
        "messages[3].content[1]",
        "at most 4 cache points");
  }

  @Test
  void aCachePointThatLeadsATurnMovesToTheEndOfThePreviousTurn() {
    PreparedRequest prepared =
        prepare(
            Message.user("Context"),
            Message.assistant("Noted"),
            Message.user(CachePoint.DEFAULT, text("Question")));

    assertEquals(
        List.of(
            user(text("Context")),
            assistant(text("Noted"), CachePoint.DEFAULT),
            user(text("Question"))),
        prepared.turns());
  }

  @Test
  void aCachePointBeforeTheFirstTurnEndsTheSystemPromptOrIsDroppedWithoutOne() {
    Message leading = Message.user(new CachePoint("1h"), text("Hi"));

    PreparedRequest withSystem = prepare(Message.system("Rules"), leading);
    assertEquals(List.of(text("Rules"), new CachePoint("1h")), withSystem.system());
    assertEquals(List.of(user(text("Hi"))), withSystem.turns());

    PreparedRequest withoutSystem = prepare(leading);
    assertEquals(List.of(), withoutSystem.system());
    assertEquals(List.of(user(text("Hi"))), withoutSystem.turns());
  }

  @Test
  void aMessageOfOnlyACachePointMarksTheEndOfWhatCameBefore() {
    PreparedRequest prepared =
        prepare(
            Message.user("Context"),
            Message.user(text(" "), CachePoint.DEFAULT),
            Message.user("Q"));

    assertEquals(List.of(user(text("Context"), CachePoint.DEFAULT, text("Q"))), prepared.turns());
  }

  @Test
  void twoCachePointsInARowBecomeOne() {
    PreparedRequest prepared =
        prepare(Message.user(text("a"), CachePoint.DEFAULT, text(" "), new CachePoint("1h")));

    assertEquals(List.of(user(text("a"), CachePoint.DEFAULT)), prepared.turns());
  }

  @Test
  void aSystemMessageWithAnImageIsRefused() {
    assertMentions(
        refusal(
            request(
                    new Message(
                        Role.SYSTEM, List.of(ContentPart.Image.ofBase64("image/png", "AA=="))),
                    Message.user("Hi"))
                .build()),
        "messages[0].content[0]",
        "only text and cache points",
        "image part");
  }

  @Test
  void aToolMessageWithPlainTextIsRefusedBecauseItWouldLoseItsToolCallId() {
    assertMentions(
        refusal(
            request(
                    Message.user("Go"),
                    Message.assistant(new ToolCall("t1", "a", "{}")),
                    new Message(Role.TOOL, List.of(text("result"))))
                .build()),
        "messages[2].content[0]",
        "only tool results");
  }

  @Test
  void toolCallsAndToolResultsInTheWrongRoleAreRefused() {
    assertMentions(
        refusal(request(Message.user(new ToolCall("t1", "a", "{}"))).build()),
        "messages[0].content[0]",
        "assistant message");
    assertMentions(
        refusal(
            request(Message.user("Go"), Message.assistant(ToolResult.ofText("t1", "x"))).build()),
        "messages[1].content[0]",
        "tool or user message");
  }

  @Test
  void blankTextInsideAToolResultIsDropped() {
    PreparedRequest prepared =
        prepare(
            Message.user("Go"),
            Message.assistant(new ToolCall("t1", "a", "{}")),
            Message.toolResult("t1", " "));

    assertEquals(user(new ToolResult("t1", List.of(), false)), prepared.turns().get(2));
  }

  @Test
  void anImageDataUrlBecomesInlineData() {
    PreparedRequest prepared =
        prepare(Message.user(ContentPart.Image.ofUrl("data:image/png;base64,iVBO")));

    assertEquals(List.of(user(ContentPart.Image.ofBase64("image/png", "iVBO"))), prepared.turns());
  }

  @Test
  void reasoningEffortBecomesABudgetAndAnExplicitBudgetWins() {
    assertEquals(
        1024,
        RequestHygiene.prepare(request(Message.user("Hi")).reasoningEffort("low").build())
            .reasoningBudgetTokens());
    assertEquals(
        4096,
        RequestHygiene.prepare(request(Message.user("Hi")).reasoningEffort("high").build())
            .reasoningBudgetTokens());
    assertEquals(
        3000,
        RequestHygiene.prepare(
                request(Message.user("Hi"))
                    .reasoningEffort("high")
                    .reasoningBudgetTokens(3000)
                    .build())
            .reasoningBudgetTokens());
    assertEquals(
        0, RequestHygiene.prepare(request(Message.user("Hi")).build()).reasoningBudgetTokens());
    assertMentions(
        refusal(request(Message.user("Hi")).reasoningEffort("extreme").build()), "'extreme'");
  }

  @Test
  void maxTokensThatDoNotExceedTheReasoningBudgetAreRefused() {
    assertMentions(
        refusal(request(Message.user("Hi")).maxTokens(2048).reasoningBudgetTokens(2048).build()),
        "maxTokens (2048)",
        "reasoning budget");
  }

  @Test
  void extraFieldsMustBeJsonAndBetasBecomeAnArray() {
    assertMentions(
        refusal(request(Message.user("Hi")).putExtraField("foo", "{not json").build()),
        "extraFields['foo']",
        "not valid JSON");
    assertMentions(
        refusal(request(Message.user("Hi")).putExtraField("anthropic_beta", "[1]").build()),
        "array of strings");

    PreparedRequest prepared =
        RequestHygiene.prepare(
            request(Message.user("Hi"))
                .putExtraField("anthropic_beta", "\"a, b\"")
                .putExtraField("custom", "{ \"k\" : [1, 2] }")
                .build());
    assertEquals(
        Map.of("anthropic_beta", "[\"a\",\"b\"]", "custom", "{\"k\":[1,2]}"),
        prepared.extraFields());
  }

  @Test
  void fieldsAnthropicRejectsAreRefusedAndOthersPass() {
    assertMentions(
        assertThrows(
            BedrockRequestException.class,
            () -> RequestHygiene.refuseFieldsAnthropicRejects(Map.of("logit_bias", "{}"), "body")),
        "'logit_bias'",
        "OpenAI-only");
    assertMentions(
        assertThrows(
            BedrockRequestException.class,
            () -> RequestHygiene.refuseFieldsAnthropicRejects(Map.of("stream", "true"), "body")),
        "path");
    assertDoesNotThrow(
        () -> RequestHygiene.refuseFieldsAnthropicRejects(Map.of("anthropic_beta", "[]"), "body"));
  }

  @Test
  void unknownBlocksMustHoldValidJsonAndAreCompacted() {
    PreparedRequest prepared =
        prepare(
            Message.user(
                new ContentPart.Unknown("guardContent", "{ \"text\" : {\"text\": \"x\"} }")));
    assertEquals(
        List.of(user(new ContentPart.Unknown("guardContent", "{\"text\":{\"text\":\"x\"}}"))),
        prepared.turns());
    assertFalse(prepared.historyHasToolBlocks());

    assertMentions(
        refusal(request(Message.user(new ContentPart.Unknown("guardContent", "{"))).build()),
        "messages[0].content[0]",
        "'guardContent'");
  }

  @Test
  void reasoningWithoutASignatureIsLeftOutAndSignedReasoningIsKept() {
    ContentPart.Reasoning signed = new ContentPart.Reasoning("signed thought", "sig");
    PreparedRequest prepared =
        prepare(
            Message.user("Hi"),
            Message.assistant(new ContentPart.Reasoning("echoed thought", null), text("Hello")),
            Message.user("And?"),
            Message.assistant(signed, text("More")),
            Message.user("Ok"));
    assertEquals(
        List.of(
            user(text("Hi")),
            assistant(text("Hello")),
            user(text("And?")),
            assistant(signed, text("More")),
            user(text("Ok"))),
        prepared.turns());
  }

  // --- the plain-conversation fast path gives what the general rules give

  @Test
  void aPlainConversationTakesTheFastPathWithTheSameResult() {
    ChatRequest plain =
        request(
                Message.system("Be brief."),
                Message.user("Hi"),
                Message.assistant("Hello"),
                Message.user("Bye"))
            .build();
    PreparedRequest fast = RequestHygiene.preparePlain(plain);
    assertTrue(fast != null, "a plain conversation takes the fast path");
    assertEquals(RequestHygiene.prepareAny(plain), fast);
    // the messages' own part lists are the turns: nothing copied
    assertSame(plain.messages().get(1).content(), fast.turns().get(0).parts());
  }

  @Test
  void theFastPathDeclinesWhatNeedsARule() {
    List<ChatRequest> declined =
        List.of(
            request(Message.user("a"), Message.user("b")).build(), // turns to merge
            request(Message.assistant("a"), Message.user("b")).build(), // leading assistant
            request(Message.user(" ")).build(), // blank text to drop
            request(Message.system("a"), Message.system("b"), Message.user("c")).build(),
            request(new Message(Role.USER, List.of(text("a"), CachePoint.DEFAULT))).build(),
            request(new Message(Role.USER, List.of())).build(),
            request(Message.system("only a system prompt")).build());
    for (ChatRequest r : declined) {
      assertEquals(null, RequestHygiene.preparePlain(r), () -> r.messages().toString());
    }
  }

  @Test
  void theFastPathAgreesWithTheRulesOnRandomConversations() {
    java.util.Random random = new java.util.Random(7);
    Role[] roles = Role.values();
    int fast = 0;
    for (int round = 0; round < 5_000; round++) {
      int n = 1 + random.nextInt(6);
      Message[] messages = new Message[n];
      for (int i = 0; i < n; i++) {
        Role role =
            random.nextInt(3) == 0
                ? roles[random.nextInt(roles.length)]
                : (i % 2 == 0 ? Role.USER : Role.ASSISTANT);
        List<ContentPart> parts = new java.util.ArrayList<>();
        int count = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(2);
        for (int j = 0; j < count; j++) {
          int kind = random.nextInt(12);
          parts.add(
              kind == 0
                  ? text(" ")
                  : kind == 1
                      ? CachePoint.DEFAULT
                      : kind == 2 && role == Role.ASSISTANT
                          ? new ToolCall("t" + i, "lookup", "{}")
                          : kind == 3 && role != Role.ASSISTANT
                              ? new ToolResult("t" + (i - 1), List.of(text("r")), false)
                              : text("m" + i + "." + j));
        }
        messages[i] = new Message(role, parts);
      }
      ChatRequest r = request(messages).build();
      PreparedRequest plain = RequestHygiene.preparePlain(r);
      if (plain == null) {
        continue;
      }
      fast++;
      assertEquals(RequestHygiene.prepareAny(r), plain, () -> r.messages().toString());
    }
    assertTrue(fast > 500, "the random conversations reach the fast path often: " + fast);
  }
}
