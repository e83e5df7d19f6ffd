package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding through {@link OpenAiChatCodec#decodeRequest}, which delegates to the decoder. */
class RequestDecoderTest {
  private final OpenAiChatCodec codec = OpenAiChatCodec.create();

  /** JSON written with single quotes, for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  /** A minimal valid body plus {@code fields} (single-quoted JSON members). */
  private static String body(String fields) {
    return json("{'model': 'm', 'messages': [{'role': 'user', 'content': 'hi'}], " + fields + "}");
  }

  /** A body with {@code messages} (a single-quoted JSON array). */
  private static String messages(String messages) {
    return json("{'model': 'm', 'messages': " + messages + "}");
  }

  private ChatRequest decode(String json) {
    return codec.decodeRequest(json).chatRequest();
  }

  private OpenAiRequestException refused(String json) {
    return assertThrows(OpenAiRequestException.class, () -> codec.decodeRequest(json));
  }

  @Test
  void theSmallestRequestHasOneUserMessageAndNoOptions() {
    OpenAiChatRequest r =
        codec.decodeRequest(
            json("{'model': 'm', 'messages': [{'role': 'user', 'content': 'hi'}]}"));

    assertEquals(List.of(Message.user("hi")), r.chatRequest().messages());
    assertFalse(r.stream());
    assertFalse(r.includeUsage());
    assertTrue(r.chatRequest().tools().isEmpty());
    assertTrue(r.chatRequest().maxTokens().isEmpty());
    assertTrue(r.chatRequest().metadata().isEmpty());
  }

  @Test
  void aDataUrlImageBecomesAnInlineImageWithItsMediaType() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': [{'type': 'image_url', 'image_url':"
                    + " {'url': 'data:image/JPEG;base64,/9j/4AAQSkZJRg==', 'detail': 'high'}}]}]"));

    ContentPart.Image image = (ContentPart.Image) r.messages().get(0).content().get(0);
    assertTrue(image.isInline());
    assertEquals("image/jpeg", image.mediaType());
    assertEquals("/9j/4AAQSkZJRg==", image.base64Data());
  }

  @Test
  void anHttpsImageStaysAUrl() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': [{'type': 'image_url', 'image_url':"
                    + " {'url': 'https://example.com/cat.png', 'detail': 'auto'}}]}]"));

    assertEquals(
        ContentPart.Image.ofUrl("https://example.com/cat.png"),
        r.messages().get(0).content().get(0));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "ftp://example.com/cat.png | messages[0].content[0].image_url.url",
        "data:image/png,notbase64 | messages[0].content[0].image_url.url",
        "data:application/pdf;base64,JVBER | messages[0].content[0].image_url.url"
      })
  void anImageUrlThatIsNeitherHttpNorABase64ImageIsRefused(String url, String param) {
    OpenAiRequestException e =
        refused(
            messages(
                "[{'role': 'user', 'content': [{'type': 'image_url', 'image_url': {'url': '"
                    + url
                    + "'}}]}]"));

    assertEquals(param, e.param().orElseThrow());
  }

  @Test
  void anUnknownImageDetailIsRefused() {
    OpenAiRequestException e =
        refused(
            messages(
                "[{'role': 'user', 'content': [{'type': 'image_url', 'image_url':"
                    + " {'url': 'https://x.test/a.png', 'detail': 'ultra'}}]}]"));

    assertEquals("messages[0].content[0].image_url.detail", e.param().orElseThrow());
  }

  @Test
  void anImageDetailThatIsNotAStringIsRefusedNotACrash() {
    for (String detail : new String[] {"5", "true", "{}", "['high']"}) {
      OpenAiRequestException e =
          refused(
              messages(
                  "[{'role': 'user', 'content': [{'type': 'image_url', 'image_url':"
                      + " {'url': 'https://x.test/a.png', 'detail': "
                      + detail
                      + "}}]}]"));
      assertEquals("messages[0].content[0].image_url.detail", e.param().orElseThrow(), detail);
    }
  }

  @Test
  void aPdfFilePartBecomesAPdfDocument() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': [{'type': 'file', 'file': {'filename': 'q3.pdf',"
                    + " 'file_data': 'data:application/pdf;base64,JVBERi0xLjQK'}}]}]"));

    assertEquals(
        new ContentPart.Document("pdf", "q3.pdf", "JVBERi0xLjQK"),
        r.messages().get(0).content().get(0));
  }

  @Test
  void aFilePartWithBareBase64TakesItsFormatFromTheFileName() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': [{'type': 'file', 'file': {'filename': 'data.CSV',"
                    + " 'file_data': 'YSxiCjEsMgo='}}]}]"));

    assertEquals(
        new ContentPart.Document("csv", "data.CSV", "YSxiCjEsMgo="),
        r.messages().get(0).content().get(0));
  }

  @Test
  void aFilePartWithoutNameGetsTheDefaultName() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': [{'type': 'file', 'file':"
                    + " {'file_data': 'data:text/plain;base64,aGk='}}]}]"));

    assertEquals(
        new ContentPart.Document("txt", RequestDecoder.DEFAULT_DOCUMENT_NAME, "aGk="),
        r.messages().get(0).content().get(0));
  }

  @Test
  void aFileOfAnUnsupportedTypeOrByIdIsRefused() {
    OpenAiRequestException zip =
        refused(
            messages(
                "[{'role': 'user', 'content': [{'type': 'file', 'file':"
                    + " {'file_data': 'data:application/zip;base64,UEsDBA=='}}]}]"));
    OpenAiRequestException byId =
        refused(
            messages(
                "[{'role': 'user', 'content': [{'type': 'file', 'file': {'file_id':"
                    + " 'file-abc'}}]}]"));

    assertEquals("messages[0].content[0].file.file_data", zip.param().orElseThrow());
    assertEquals("messages[0].content[0].file.file_id", byId.param().orElseThrow());
  }

  @Test
  void toolMessagesBecomeToolResults() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': 'weather?'},"
                    + " {'role': 'assistant', 'tool_calls': [{'id': 'call_9', 'type': 'function',"
                    + "   'function': {'name': 'weather', 'arguments': '{}'}}]},"
                    + " {'role': 'tool', 'tool_call_id': 'call_9', 'content': [{'type': 'text',"
                    + "   'text': 'sunny'}, {'type': 'text', 'text': ', 21C'}]}]"));

    Message tool = r.messages().get(2);
    assertEquals(Role.TOOL, tool.role());
    assertEquals(
        List.of(
            new ContentPart.ToolResult(
                "call_9", List.of(ContentPart.text("sunny"), ContentPart.text(", 21C")), false)),
        tool.content());
  }

  @Test
  void aToolMessageWithoutToolCallIdIsRefused() {
    OpenAiRequestException e = refused(messages("[{'role': 'tool', 'content': 'x'}]"));

    assertEquals("messages[0].tool_call_id", e.param().orElseThrow());
    assertEquals(OpenAiRequestException.MISSING, e.code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"'arguments': ''", "'arguments': '  '", "'arguments': null", ""})
  void aToolCallWithoutArgumentsGetsAnEmptyObject(String arguments) {
    String fn = arguments.isEmpty() ? "{'name': 'now'}" : "{'name': 'now', " + arguments + "}";
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'assistant', 'content': null, 'tool_calls': [{'id': 'c1', 'type':"
                    + " 'function', 'function': "
                    + fn
                    + "}]}]"));

    assertEquals(
        List.of(new ContentPart.ToolCall("c1", "now", "{}")), r.messages().get(0).content());
  }

  @Test
  void toolCallArgumentsGivenAsAnObjectAreTakenAsCompactJson() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'assistant', 'tool_calls': [{'id': 'c1', 'type': 'function',"
                    + " 'function': {'name': 'f', 'arguments': {'a': [1, 2]}}}]}]"));

    assertEquals(
        "{\"a\":[1,2]}",
        ((ContentPart.ToolCall) r.messages().get(0).content().get(0)).argumentsJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1, 2]", "42", "{} {}"})
  void toolCallArgumentsThatAreNotAJsonObjectAreRefused(String arguments) {
    String body =
        messages(
            "[{'role': 'assistant', 'tool_calls': [{'id': 'c1', 'type': 'function',"
                + " 'function': {'name': 'f', 'arguments': 'ARGS'}}]}]");
    OpenAiRequestException e = refused(body.replace("ARGS", arguments.replace("\"", "\\\"")));

    assertEquals("messages[0].tool_calls[0].function.arguments", e.param().orElseThrow());
  }

  @Test
  void anAssistantMessageSentBackVerbatimIsAccepted() {
    ChatRequest r =
        decode(
            messages(
                "[{'role': 'user', 'content': 'hi'},"
                    + " {'role': 'assistant', 'content': 'Hello!', 'refusal': null, 'audio': null,"
                    + "  'function_call': null, 'annotations': [], 'tool_calls': [],"
                    + "  'reasoning_content': 'Greet back.'}]"));

    assertEquals(
        Message.assistant(
            new ContentPart.Reasoning("Greet back.", null), ContentPart.text("Hello!")),
        r.messages().get(1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'role': 'assistant', 'content': 'x', 'refusal': 'I cannot'} | messages[0].refusal",
        "{'role': 'assistant', 'content': 'x', 'annotations': [{'type': 'url_citation'}]}"
            + " | messages[0].annotations",
        "{'role': 'user', 'content': 'x', 'name': 'bob'} | messages[0].name",
        "{'role': 'function', 'name': 'f', 'content': 'x'} | messages[0].role",
        "{'role': 'robot', 'content': 'x'} | messages[0].role",
        "{'role': 'user', 'content': 'x', 'cache_control': {'type': 'ephemeral'}}"
            + " | messages[0].cache_control",
        "{'role': 'user', 'content': [{'type': 'input_audio', 'input_audio': {}}]}"
            + " | messages[0].content[0].type",
        "{'role': 'user', 'content': [{'type': 'text', 'text': 'a', 'cache_control': {}}]}"
            + " | messages[0].content[0].cache_control",
        "{'role': 'user', 'content': []} | messages[0].content",
        "{'role': 'user', 'content': 7} | messages[0].content",
        "{'role': 'user'} | messages[0].content",
        "{'role': 'system', 'content': [{'type': 'image_url', 'image_url': {'url':"
            + " 'https://a.b/c'}}]} | messages[0].content[0].type",
        "{'role': 'assistant', 'tool_calls': [{'id': 'c', 'type': 'custom', 'custom': {}}]}"
            + " | messages[0].tool_calls[0].custom"
      })
  void aMessageThatCannotBeHonouredIsRefusedAtItsPath(String message, String param) {
    OpenAiRequestException e = refused(messages("[" + message + "]"));

    assertEquals(param, e.param().orElseThrow());
    assertTrue(e.getMessage().startsWith(param + ": "), e.getMessage());
    assertEquals(400, e.httpStatus());
  }

  @Test
  void theDeveloperRoleIsASystemMessage() {
    ChatRequest r = decode(messages("[{'role': 'developer', 'content': 'Be terse.'}]"));

    assertEquals(Message.system("Be terse."), r.messages().get(0));
  }

  @Test
  void toolsWithoutParametersGetAnEmptyObjectSchema() {
    ChatRequest r = decode(body("'tools': [{'type': 'function', 'function': {'name': 'now'}}]"));

    assertEquals(List.of(Tool.withoutParameters("now", "")), r.tools());
  }

  @Test
  void toolParametersAreReserialisedAsCompactJson() {
    ChatRequest r =
        decode(
            body(
                "'tools': [{'type': 'function', 'function': {'name': 'f', 'description': 'd',"
                    + " 'strict': false, 'parameters': {\n  'type' : 'object',\n"
                    + "  'properties' : { 'n' : { 'type' : 'number', 'default' : 1.50 } } } }}]"));

    assertEquals(
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"default\":1.50}}}",
        r.tools().get(0).parametersJsonSchema());
    assertEquals("d", r.tools().get(0).description());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "[{'type': 'custom', 'custom': {'name': 'x'}}] | tools[0].custom",
        "[{'type': 'web_search'}] | tools[0].type",
        "[{'type': 'function', 'function': {'name': 'bad name'}}] | tools[0].function.name",
        "[{'type': 'function', 'function': {'name': 'f', 'strict': true}}] |"
            + " tools[0].function.strict",
        "[{'type': 'function', 'function': {'name': 'f', 'parameters': {'type': 'array'}}}]"
            + " | tools[0].function.parameters.type",
        "[{'type': 'function', 'function': {'name': 'f', 'parameters': 'x'}}]"
            + " | tools[0].function.parameters",
        "[{'type': 'function', 'function': {'name': 'f'}}, {'type': 'function', 'function':"
            + " {'name': 'f'}}] | tools[1].function.name"
      })
  void aToolThatCannotBeHonouredIsRefusedAtItsPath(String tools, String param) {
    OpenAiRequestException e = refused(body("'tools': " + tools));

    assertEquals(param, e.param().orElseThrow());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {"'auto' | AUTO", "'none' | NONE", "'required' | ANY"})
  void stringToolChoicesMapToTheirKinds(String choice, ToolChoice.Kind kind) {
    ChatRequest r =
        decode(
            body(
                "'tools': [{'type': 'function', 'function': {'name': 'f'}}], 'tool_choice': "
                    + choice));

    assertEquals(kind, r.toolChoice().orElseThrow().kind());
  }

  @Test
  void aNamedToolChoiceMustNameADeclaredTool() {
    ChatRequest r =
        decode(
            body(
                "'tools': [{'type': 'function', 'function': {'name': 'f'}}], 'tool_choice':"
                    + " {'type': 'function', 'function': {'name': 'f'}}"));
    OpenAiRequestException e =
        refused(
            body(
                "'tools': [{'type': 'function', 'function': {'name': 'f'}}], 'tool_choice':"
                    + " {'type': 'function', 'function': {'name': 'g'}}"));

    assertEquals(ToolChoice.tool("f"), r.toolChoice().orElseThrow());
    assertEquals("tool_choice.function.name", e.param().orElseThrow());
  }

  @Test
  void requiredToolChoiceWithoutToolsIsRefused() {
    assertEquals("tool_choice", refused(body("'tool_choice': 'required'")).param().orElseThrow());
  }

  @Test
  void maxCompletionTokensWinsOverMaxTokens() {
    assertEquals(
        50, decode(body("'max_tokens': 100, 'max_completion_tokens': 50")).maxTokens().getAsInt());
    assertEquals(100, decode(body("'max_tokens': 100")).maxTokens().getAsInt());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "'max_tokens': 0 | max_tokens",
        "'max_completion_tokens': 1.5 | max_completion_tokens",
        "'max_completion_tokens': 10, 'max_tokens': -1 | max_tokens",
        "'max_tokens': 99999999999 | max_tokens",
        "'temperature': 2.5 | temperature",
        "'temperature': 'hot' | temperature",
        "'top_p': 1.1 | top_p",
        "'stop': 5 | stop",
        "'stop': ['a', 1] | stop[1]",
        "'reasoning_effort': 'extreme' | reasoning_effort",
        "'metadata': {'a': 1} | metadata.a",
        "'metadata': {'user': 'x'}, 'user': 'y' | metadata.user",
        "'parallel_tool_calls': 'yes' | parallel_tool_calls",
        "'stream': 'true' | stream",
        "'stream_options': {'include_usage': true} | stream_options",
        "'stream': true, 'stream_options': {'include_usage': true, 'chunk_size': 4}"
            + " | stream_options.chunk_size"
      })
  void anInvalidValueIsRefusedNamingItsField(String fields, String param) {
    assertEquals(param, refused(body(fields)).param().orElseThrow());
  }

  @Test
  void stopTakesAStringOrAnArray() {
    assertEquals(List.of("END"), decode(body("'stop': 'END'")).stopSequences());
    assertEquals(List.of("a", "b"), decode(body("'stop': ['a', 'b']")).stopSequences());
  }

  @Test
  void userAndMetadataGoToTheMetadata() {
    ChatRequest r = decode(body("'user': 'u-1', 'metadata': {'project': 'x'}"));

    assertEquals(Map.of("user", "u-1", "project", "x"), r.metadata());
  }

  @Test
  void streamOptionsAskForUsage() {
    OpenAiChatRequest r =
        codec.decodeRequest(
            body(
                "'stream': true, 'stream_options': {'include_usage': true, 'include_obfuscation':"
                    + " false}"));

    assertTrue(r.stream());
    assertTrue(r.includeUsage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "'n': 2 | n",
        "'logprobs': true | logprobs",
        "'top_logprobs': 3 | top_logprobs",
        "'logit_bias': {'50256': -100} | logit_bias",
        "'response_format': {'type': 'json_object'} | response_format.type",
        "'response_format': {'type': 'json_schema', 'json_schema': {'name': 'x'}}"
            + " | response_format.type",
        "'response_format': {'type': 'text', 'strict': true} | response_format.strict",
        "'audio': {'voice': 'alloy', 'format': 'wav'} | audio",
        "'modalities': ['text', 'audio'] | modalities",
        "'prediction': {'type': 'content', 'content': 'x'} | prediction",
        "'seed': 42 | seed",
        "'store': true | store",
        "'service_tier': 'flex' | service_tier",
        "'frequency_penalty': 0.5 | frequency_penalty",
        "'presence_penalty': -1 | presence_penalty",
        "'functions': [{'name': 'f'}] | functions",
        "'function_call': 'auto' | function_call"
      })
  void anOptionThatCannotBeHonouredIsRefusedNamingIt(String fields, String param) {
    OpenAiRequestException e = refused(body(fields));

    assertEquals(param, e.param().orElseThrow());
    assertTrue(e.getMessage().startsWith(param + ": "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'n': 1",
        "'logprobs': false",
        "'top_logprobs': 0",
        "'logit_bias': {}",
        "'response_format': {'type': 'text'}",
        "'modalities': ['text']",
        "'store': false",
        "'service_tier': 'auto'",
        "'service_tier': 'default'",
        "'frequency_penalty': 0",
        "'presence_penalty': 0.0",
        "'seed': null",
        "'audio': null"
      })
  void anOptionWhoseValueChangesNothingIsAccepted(String fields) {
    assertEquals(decode(body("'n': null")), decode(body(fields)));
  }

  @Test
  void unknownTopLevelFieldsAreRefusedByName() {
    OpenAiRequestException e = refused(body("'foo': 1, 'web_search_options': {}"));

    assertEquals("foo", e.param().orElseThrow());
    assertEquals(OpenAiRequestException.UNKNOWN_PARAMETER, e.code());
    assertTrue(e.getMessage().contains("'foo', 'web_search_options'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{", "{\"model\": \"m\",}", "{} []", "", "{\"model\": \"a\", \"model\": \"b\"}"})
  void malformedJsonIsARequestErrorWithoutParam(String body) {
    OpenAiRequestException e = refused(body);

    assertEquals(OpenAiRequestException.INVALID_JSON, e.code());
    assertTrue(e.param().isEmpty());
    assertEquals(400, e.httpStatus());
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertEquals(OpenAiRequestException.INVALID_TYPE, refused("[1]").code());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'messages': [{'role': 'user', 'content': 'x'}]} | model",
        "{'model': ' ', 'messages': [{'role': 'user', 'content': 'x'}]} | model",
        "{'model': 'm'} | messages",
        "{'model': 'm', 'messages': []} | messages",
        "{'model': 'm', 'messages': {}} | messages"
      })
  void modelAndMessagesAreRequired(String body, String param) {
    assertEquals(param, refused(json(body)).param().orElseThrow());
  }
}
