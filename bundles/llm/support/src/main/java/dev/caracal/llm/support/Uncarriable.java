package dev.caracal.llm.support;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import java.util.Locale;

/**
 * What an OpenAI client can put inside its messages that a provider of another kind has no field for: a message's
 * participant {@code name}, and an image's {@code detail} of {@code low} (read the image at low resolution, for fewer
 * tokens). Such a provider refuses the call naming it rather than send the conversation without it. (An image's
 * {@code high} or {@code auto} detail is what Claude and Ollama do anyway, reading images at full resolution.)
 */
public final class Uncarriable {
    private Uncarriable() {}

    /**
     * Throws the {@link ErrorKind#INVALID_REQUEST} naming the first such member of {@code request}, for provider
     * {@code providerId} of {@code vendor} ({@code Anthropic}, {@code Ollama}).
     */
    public static void refuseInMessages(ChatRequest request, String providerId, String vendor) {
        for (Message m : request.messages()) {
            String role = m.role().name().toLowerCase(Locale.ROOT);
            if (m.name() != null) {
                throw new LlmException(
                        ErrorKind.INVALID_REQUEST,
                        "the " + role + " message named '" + m.name() + "' cannot be carried to provider '"
                                + providerId + "': " + vendor + " messages have no participant name; leave 'name'"
                                + " out, or say who speaks in the message's text");
            }
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Image image && "low".equals(image.detail())) {
                    throw new LlmException(
                            ErrorKind.INVALID_REQUEST,
                            "image_url.detail 'low' in a " + role + " message cannot be carried to provider '"
                                    + providerId + "': " + vendor + " reads every image at full resolution and has"
                                    + " no low-detail mode; leave 'detail' out or use 'auto'");
                }
            }
        }
    }
}
