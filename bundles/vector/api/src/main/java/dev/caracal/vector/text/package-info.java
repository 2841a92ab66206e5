/**
 * The text-index SPI behind keyword and hybrid search: a text index type is a
 * {@link dev.caracal.vector.text.TextIndexFactory} service with the property
 * {@value dev.caracal.vector.text.TextIndexFactory#TYPE_PROPERTY}. Like vector indexes, text indexes are derived data:
 * the store feeds them every record's text by ordinal and can always rebuild them.
 */
@Export
@Version("1.0.0")
package dev.caracal.vector.text;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
