package dev.aperture.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.BedrockErrorType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTest {
  @Test
  void theStopReasonFollowsTheContentUnlessScripted() {
    assertEquals("end_turn", Reply.text("Hi").stopReason());
    assertEquals("tool_use", Reply.text("Let me look").andToolCall("t", "f", "{}").stopReason());
    assertEquals("stop_sequence", Reply.text("Hi").stopSequence("END").stopReason());
    assertEquals("max_tokens", Reply.toolCall("t", "f").stopReason("max_tokens").stopReason());
  }

  @Test
  void usageDefaultsToAFixedInputAndAboutATokenPerFourCharacters() {
    Reply reply = Reply.text("12345678", "9");
    assertEquals(Reply.DEFAULT_INPUT_TOKENS, reply.inputTokens());
    assertEquals(3, reply.outputTokens());
    assertEquals(1, Reply.text("").outputTokens(), "never zero");
    Reply scripted = reply.usage(21, 7).cacheRead(100).cacheWrite(20);
    assertEquals(21, scripted.inputTokens());
    assertEquals(7, scripted.outputTokens());
    assertEquals(100, scripted.cacheReadTokens());
    assertEquals(20, scripted.cacheWriteTokens());
    assertEquals(8, BedrockEmulator.DEFAULT_REPLY.outputTokens());
  }

  @Test
  void repliesAreImmutable() {
    Reply base = Reply.text("Hi");
    Reply changed = base.usage(1, 2).andText("more").stopReason("max_tokens");
    assertNotSame(base, changed);
    assertEquals(Reply.DEFAULT_INPUT_TOKENS, base.inputTokens());
    assertEquals(1, base.blocks().size());
    assertEquals("end_turn", base.stopReason());
    assertEquals(2, changed.blocks().size());
  }

  @Test
  void blocksKeepTheirOrderAndFragments() {
    Reply reply =
        Reply.reasoning("think", "sig")
            .andText("a", "b")
            .andToolCall("t1", "f", "{\"x\":", "1}")
            .andRedactedReasoning("ZGF0YQ==");
    List<Reply.Block> blocks = reply.blocks();
    assertEquals(new Reply.Reasoning("think", "sig"), blocks.get(0));
    assertEquals(new Reply.Text(List.of("a", "b")), blocks.get(1));
    Reply.ToolUse tool = (Reply.ToolUse) blocks.get(2);
    assertEquals(List.of("{\"x\":", "1}"), tool.argumentFragments());
    assertEquals("{\"x\":1}", tool.input().toString());
    assertEquals(new Reply.RedactedReasoning("ZGF0YQ=="), blocks.get(3));
  }

  @Test
  void toolArgumentsMustJoinToAJsonObject() {
    assertThrows(IllegalArgumentException.class, () -> Reply.toolCall("t", "f", "{\"x\":"));
    assertThrows(IllegalArgumentException.class, () -> Reply.toolCall("t", "f", "[1]"));
    assertTrue(((Reply.ToolUse) Reply.toolCall("t", "f").blocks().get(0)).input().isEmpty());
  }

  @Test
  void nonsenseIsRefusedWhereItIsWritten() {
    assertThrows(IllegalArgumentException.class, Reply::text);
    assertThrows(IllegalArgumentException.class, () -> Reply.toolCall("", "f"));
    assertThrows(IllegalArgumentException.class, () -> Reply.toolCall("t", ""));
    assertThrows(IllegalArgumentException.class, () -> Reply.reasoning("x", ""));
    assertThrows(IllegalArgumentException.class, () -> Reply.redactedReasoning(""));
    assertThrows(IllegalArgumentException.class, () -> Reply.text("x").usage(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> Reply.text("x").cacheRead(-1));
    assertThrows(IllegalArgumentException.class, () -> Reply.text("x").corruptMessageCrcInFrame(0));
    assertThrows(IllegalArgumentException.class, () -> Reply.text("x").truncateAfterFrames(-1));
    assertThrows(
        IllegalArgumentException.class,
        () -> Reply.text("x").delayFirstByte(Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Reply.text("x").exceptionAfterFrames(1, BedrockErrorType.UNKNOWN, "m"));
    assertThrows(NullPointerException.class, () -> Reply.text("a", null));
  }

  @Test
  void theLastStreamEndingWins() {
    Reply reply = Reply.text("x").truncateAfterFrames(2).disconnectAfterFrames(3);
    assertEquals(Reply.Ending.DISCONNECT_AFTER, reply.ending());
    assertEquals(3, reply.endingFrames());
    Reply exception =
        Reply.text("x").exceptionAfterFrames(4, BedrockErrorType.SERVICE_UNAVAILABLE, "busy");
    assertEquals("serviceUnavailableException", exception.exceptionType());
    assertEquals("busy", exception.exceptionMessage());
  }
}
