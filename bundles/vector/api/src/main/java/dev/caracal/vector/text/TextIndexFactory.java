package dev.caracal.vector.text;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A keyword index type, registered with the service property {@value #TYPE_PROPERTY} (for example {@code bm25}). The
 * store keeps one text index per collection, with the highest-ranked factory available.
 */
@ConsumerType
public interface TextIndexFactory {
    String TYPE_PROPERTY = "caracal.text.type";

    /** The type name ({@code bm25}). */
    String type();

    /** Opens the text index of one collection: empty, or reloaded from the context directory. */
    TextIndex open(TextIndexContext context);
}
