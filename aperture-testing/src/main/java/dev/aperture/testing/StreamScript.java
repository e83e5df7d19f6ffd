package dev.aperture.testing;

import dev.aperture.bedrock.eventstream.EventStreamMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-stream messages of one streamed answer in sending order, and which frame (from 1) is
 * the first content delta: where {@link Reply#pauseAfterFirstDelta(Pause)} stops.
 */
final class StreamScript {
  static final String APPLICATION_JSON = "application/json";

  private final List<EventStreamMessage> messages = new ArrayList<>();
  private int firstDeltaFrame;

  /** Appends an {@code event} message. */
  StreamScript event(String eventType, String payloadJson) {
    messages.add(eventMessage(eventType, payloadJson));
    return this;
  }

  /** Appends a content delta event; the first one becomes the pause point. */
  StreamScript delta(String eventType, String payloadJson) {
    event(eventType, payloadJson);
    if (firstDeltaFrame == 0) {
      firstDeltaFrame = messages.size();
    }
    return this;
  }

  List<EventStreamMessage> messages() {
    return messages;
  }

  /** The first delta's frame number; the first content frame (or 1) when there is no delta. */
  int firstDeltaFrame() {
    return firstDeltaFrame == 0 ? Math.min(2, messages.size()) : firstDeltaFrame;
  }

  /** An {@code event} message with Bedrock's three headers, in Bedrock's order. */
  static EventStreamMessage eventMessage(String eventType, String payloadJson) {
    return EventStreamMessage.builder()
        .header(EventStreamMessage.EVENT_TYPE, eventType)
        .header(EventStreamMessage.CONTENT_TYPE, APPLICATION_JSON)
        .header(EventStreamMessage.MESSAGE_TYPE, "event")
        .payloadUtf8(payloadJson)
        .build();
  }

  /** An {@code exception} message, e.g. {@code throttlingException}, payload {@code {message}}. */
  static EventStreamMessage exception(String exceptionType, String message) {
    return EventStreamMessage.builder()
        .header(EventStreamMessage.EXCEPTION_TYPE, exceptionType)
        .header(EventStreamMessage.CONTENT_TYPE, APPLICATION_JSON)
        .header(EventStreamMessage.MESSAGE_TYPE, "exception")
        .payloadUtf8(EmulatorJson.message(message))
        .build();
  }
}
