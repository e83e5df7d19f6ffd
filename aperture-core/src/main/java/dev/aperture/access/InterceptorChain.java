package dev.aperture.access;

import dev.aperture.chat.ChatRequest;
import dev.aperture.usage.UsageRecord;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link RequestInterceptor}s in registration order. Immutable and thread-safe.
 *
 * <p>An {@link InterceptDecision.Allow} passes the request to the next interceptor; a {@link
 * InterceptDecision.Modify} passes the replacement instead; the first {@link
 * InterceptDecision.Block} stops the chain with a {@link RequestBlockedException}. An exception an
 * interceptor throws propagates unchanged and stops the chain too.
 *
 * <p>If the request that comes out names another model than the one that went in, the caller must
 * route and authorize it again: grants were checked for the original model.
 */
public final class InterceptorChain {
  private static final Logger log = LoggerFactory.getLogger(InterceptorChain.class);

  /** A chain with no interceptors: every request passes unchanged. */
  public static final InterceptorChain EMPTY = new InterceptorChain(List.of());

  private final List<RequestInterceptor> interceptors;

  private InterceptorChain(List<RequestInterceptor> interceptors) {
    this.interceptors = interceptors;
  }

  /** A chain running {@code interceptors} in list order. */
  public static InterceptorChain of(List<? extends RequestInterceptor> interceptors) {
    return interceptors.isEmpty() ? EMPTY : new InterceptorChain(List.copyOf(interceptors));
  }

  /** A chain running {@code interceptors} in the order given. */
  public static InterceptorChain of(RequestInterceptor... interceptors) {
    return of(Arrays.asList(interceptors));
  }

  /** The interceptors in the order they run. */
  public List<RequestInterceptor> interceptors() {
    return interceptors;
  }

  /**
   * Runs every interceptor's {@link RequestInterceptor#before} and returns the request to dispatch:
   * {@code request} itself, or the last modification of it.
   *
   * @throws RequestBlockedException when an interceptor blocks the request
   * @throws IllegalStateException when an interceptor's modification changes the caller's identity
   */
  public ChatRequest before(InterceptContext context, ChatRequest request) {
    ChatRequest current = request;
    for (RequestInterceptor interceptor : interceptors) {
      InterceptDecision decision = interceptor.before(context, current);
      if (decision instanceof InterceptDecision.Block) {
        InterceptDecision.Block block = (InterceptDecision.Block) decision;
        throw new RequestBlockedException(block.status(), block.message());
      } else if (decision instanceof InterceptDecision.Modify) {
        ChatRequest replacement = ((InterceptDecision.Modify) decision).request();
        if (!replacement.identity().equals(request.identity())) {
          throw new IllegalStateException(
              "interceptor " + interceptor.getClass().getName() + " changed the caller's identity");
        }
        current = replacement;
      } else if (decision == null) {
        throw new NullPointerException(
            "interceptor " + interceptor.getClass().getName() + " returned no decision");
      }
    }
    return current;
  }

  /**
   * Hands {@code record} to every interceptor's {@link RequestInterceptor#after}; an exception one
   * of them throws is logged and does not stop the others.
   */
  public void after(UsageRecord record) {
    for (RequestInterceptor interceptor : interceptors) {
      try {
        interceptor.after(record);
      } catch (RuntimeException e) {
        log.warn("interceptor {} failed after the call", interceptor.getClass().getName(), e);
      }
    }
  }

  @Override
  public String toString() {
    return "InterceptorChain" + interceptors;
  }
}
