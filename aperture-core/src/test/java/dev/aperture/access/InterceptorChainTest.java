package dev.aperture.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Usage;
import dev.aperture.usage.UsageRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterceptorChainTest {
  private static final InterceptContext CONTEXT =
      new InterceptContext(
          Identity.of("alice@example.com"), "bedrock-us", "claude", "openai_chat", "s-1");
  private static final ChatRequest REQUEST =
      ChatRequest.builder()
          .model("claude")
          .addMessages(Message.user("hi"))
          .identity(Identity.of("alice@example.com"))
          .build();

  /** Records which interceptors ran and which model each one saw. */
  private final List<String> seen = new ArrayList<>();

  private RequestInterceptor recording(String name, InterceptDecision decision) {
    return (ctx, request) -> {
      seen.add(name + ":" + request.model());
      return decision;
    };
  }

  private static ChatRequest withModel(String model) {
    return ImmutableChatRequest.copyOf(REQUEST).withModel(model);
  }

  @Test
  void allowPassesTheSameRequestThroughEveryInterceptorInOrder() {
    InterceptorChain chain =
        InterceptorChain.of(
            recording("a", InterceptDecision.allow()), recording("b", InterceptDecision.allow()));
    assertSame(REQUEST, chain.before(CONTEXT, REQUEST));
    assertEquals(List.of("a:claude", "b:claude"), seen);
  }

  @Test
  void anEmptyChainReturnsTheRequest() {
    assertSame(REQUEST, InterceptorChain.of(List.of()).before(CONTEXT, REQUEST));
    assertSame(InterceptorChain.EMPTY, InterceptorChain.of(List.of()));
  }

  @Test
  void modifyReplacesTheRequestForLaterInterceptors() {
    InterceptorChain chain =
        InterceptorChain.of(
            recording("a", InterceptDecision.modify(withModel("haiku"))),
            recording("b", InterceptDecision.allow()),
            recording("c", InterceptDecision.modify(withModel("sonnet"))));
    assertEquals("sonnet", chain.before(CONTEXT, REQUEST).model());
    assertEquals(List.of("a:claude", "b:haiku", "c:haiku"), seen);
  }

  @Test
  void blockStopsTheChainWithItsStatusAndMessage() {
    InterceptorChain chain =
        InterceptorChain.of(
            recording("a", InterceptDecision.block(451, "not here")),
            recording("b", InterceptDecision.allow()));
    RequestBlockedException e =
        assertThrows(RequestBlockedException.class, () -> chain.before(CONTEXT, REQUEST));
    assertEquals(451, e.httpStatus());
    assertEquals("not here", e.getMessage());
    assertEquals(List.of("a:claude"), seen);
  }

  @Test
  void blockDefaultsTo403() {
    InterceptorChain chain = InterceptorChain.of(recording("a", InterceptDecision.block("no")));
    RequestBlockedException e =
        assertThrows(RequestBlockedException.class, () -> chain.before(CONTEXT, REQUEST));
    assertEquals(403, e.httpStatus());
    assertEquals(false, e.retryable());
  }

  @Test
  void aBlockStatusMustBeAnError() {
    assertThrows(IllegalArgumentException.class, () -> InterceptDecision.block(200, "ok?"));
  }

  @Test
  void anExceptionFromAnInterceptorPropagatesAndStopsTheChain() {
    IllegalStateException boom = new IllegalStateException("boom");
    InterceptorChain chain =
        InterceptorChain.of(
            (ctx, r) -> {
              throw boom;
            },
            recording("b", InterceptDecision.allow()));
    assertSame(
        boom, assertThrows(IllegalStateException.class, () -> chain.before(CONTEXT, REQUEST)));
    assertEquals(List.of(), seen);
  }

  @Test
  void aModificationMayNotChangeTheCallersIdentity() {
    ChatRequest impostor =
        ImmutableChatRequest.copyOf(REQUEST).withIdentity(Identity.of("root@example.com"));
    InterceptorChain chain =
        InterceptorChain.of(recording("a", InterceptDecision.modify(impostor)));
    assertThrows(IllegalStateException.class, () -> chain.before(CONTEXT, REQUEST));
  }

  @Test
  void afterReachesEveryInterceptorEvenWhenOneThrows() {
    List<String> records = new ArrayList<>();
    RequestInterceptor failing =
        new RequestInterceptor() {
          @Override
          public InterceptDecision before(InterceptContext ctx, ChatRequest request) {
            return InterceptDecision.allow();
          }

          @Override
          public void after(UsageRecord record) {
            throw new IllegalStateException("broken listener");
          }
        };
    RequestInterceptor counting =
        new RequestInterceptor() {
          @Override
          public InterceptDecision before(InterceptContext ctx, ChatRequest request) {
            return InterceptDecision.allow();
          }

          @Override
          public void after(UsageRecord record) {
            records.add(record.id());
          }
        };
    InterceptorChain.of(failing, counting, recording("plain", InterceptDecision.allow()))
        .after(usageRecord());
    assertEquals(List.of("r-1"), records);
    assertTrue(seen.isEmpty());
  }

  private static UsageRecord usageRecord() {
    return UsageRecord.builder()
        .id("r-1")
        .timestamp(Instant.EPOCH)
        .identity("alice@example.com")
        .provider("bedrock-us")
        .model("claude")
        .upstreamModel("claude")
        .apiOut(ApiFormat.BEDROCK_CONVERSE)
        .usage(Usage.ZERO)
        .durationMillis(5)
        .status(200)
        .sessionId("s-1")
        .build();
  }
}
