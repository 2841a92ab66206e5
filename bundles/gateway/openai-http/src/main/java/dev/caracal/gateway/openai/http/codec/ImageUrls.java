package dev.caracal.gateway.openai.http.codec;

import dev.caracal.llm.ContentPart;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image given by URL in an OpenAI request: an {@code http(s)} URL (passed by reference) or a base64 {@code data:}
 * URL of an image type (passed inline), each failure a 400 naming the field.
 */
public final class ImageUrls {
    private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+)((?:;[^;,]+)*),(.*)", Pattern.DOTALL);

    private ImageUrls() {}

    /** The image {@code url} names; {@code param} is the field's OpenAI path, for the errors. */
    public static ContentPart.Image image(String url, String param) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            return dataUrl(url, param);
        }
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return new ContentPart.Image(null, null, url);
        }
        throw InvalidRequestException.value(param, "expected an http(s) URL or a base64 data: URL.");
    }

    /** The URL form of {@code image}: its URL, or a {@code data:} URL of its inline bytes. */
    public static String url(ContentPart.Image image) {
        return image.url() != null ? image.url() : "data:" + image.mediaType() + ";base64," + image.data();
    }

    private static ContentPart.Image dataUrl(String url, String param) {
        var m = DATA_URL.matcher(url);
        if (!m.matches()) {
            throw InvalidRequestException.value(param, "malformed data: URL.");
        }
        String mediaType = m.group(1).trim().toLowerCase(Locale.ROOT);
        boolean base64 = false;
        for (String p : m.group(2).split(";")) {
            if (p.trim().equalsIgnoreCase("base64")) {
                base64 = true;
            }
        }
        if (!base64) {
            throw InvalidRequestException.value(param, "a data: URL image must be base64-encoded (';base64,').");
        }
        if (!mediaType.startsWith("image/")) {
            throw InvalidRequestException.value(
                    param, "the data: URL's media type must be an image type, got '" + mediaType + "'.");
        }
        String data = m.group(3);
        if (data.isEmpty()) {
            throw InvalidRequestException.value(param, "the data: URL holds no data.");
        }
        try {
            Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.value(param, "the data: URL's payload is not valid base64.");
        }
        return new ContentPart.Image(mediaType, data, null);
    }
}
