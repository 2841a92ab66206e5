package dev.caracal.gateway.openai.http.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.RequestExtras;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/responses}: what the gateway call needs but the conversation ({@code template}, whose
 * messages are empty), the request's own input items in canonical form, the stored response it continues, whether
 * to store the answer and stream it, and the request's settings as the response object repeats them ({@code echo}).
 *
 * @param template           model, tools, tool choice, sampling, metadata, reasoning, extras and answer format
 * @param instructions       the request's {@code instructions}, or null
 * @param input              the request's own input items (canonical, with ids)
 * @param previousResponseId the stored response this one continues, or null
 * @param store              whether the response is stored ({@code store}, true by default as at OpenAI)
 * @param stream             whether the answer is streamed
 * @param echo               the members the response object repeats ({@code instructions}, {@code tools}, ...)
 */
public record ResponsesRequest(
        ChatRequest template,
        String instructions,
        List<ObjectNode> input,
        String previousResponseId,
        boolean store,
        boolean stream,
        ObjectNode echo) {
    public ResponsesRequest {
        Objects.requireNonNull(template, "template");
        input = List.copyOf(input);
        Objects.requireNonNull(echo, "echo");
    }

    /**
     * The gateway's request for {@code conversation}: the items of the continued response (its input, then its
     * output) followed by this request's input. The system prompt is this request's {@code instructions} (a
     * continued response's instructions are not carried over, as at OpenAI), then the conversation's system and
     * developer messages. A conversation without a user, assistant or tool item is a 400 on {@code input}.
     */
    public ChatRequest chatRequest(List<? extends com.fasterxml.jackson.databind.JsonNode> conversation) {
        List<String> system = new ArrayList<>();
        if (instructions != null && !instructions.isEmpty()) {
            system.add(instructions);
        }
        List<Message> messages = ResponseItems.messages(conversation, system);
        if (messages.isEmpty()) {
            throw InvalidRequestException.value(
                    "input",
                    "the conversation must contain at least one user, assistant or function call item besides "
                            + "system and developer messages.");
        }
        ChatRequest t = template;
        return new ChatRequest(
                t.model(),
                system.isEmpty() ? null : String.join("\n\n", system),
                messages,
                t.tools(),
                t.toolChoice(),
                t.sampling(),
                t.stop(),
                t.stream(),
                t.metadata(),
                t.reasoning(),
                t.extras(),
                t.responseFormat());
    }

    /** The same request with the client's headers in its extras, for providers to forward by their allow-list. */
    public ResponsesRequest withHeaders(java.util.Map<String, String> headers) {
        RequestExtras e = template.extras();
        return new ResponsesRequest(
                template.withExtras(new RequestExtras(e.format(), e.fields(), headers)),
                instructions,
                input,
                previousResponseId,
                store,
                stream,
                echo);
    }
}
