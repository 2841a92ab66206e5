package dev.caracal.rag;

import java.io.InputStream;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns documents of some media types into text, registered with the service property {@value #TYPES_PROPERTY}
 * listing them (comma separated).
 */
@ConsumerType
public interface DocumentParser {
    String TYPES_PROPERTY = "caracal.parser.types";

    Set<String> mediaTypes();

    /** Parse one document; {@code source} names it in errors and metadata. The stream is not closed. */
    ParsedDocument parse(InputStream content, String mediaType, String source) throws ParseException;
}
