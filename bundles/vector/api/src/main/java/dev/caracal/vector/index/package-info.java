/**
 * The index plugin SPI: an index type is a {@link dev.caracal.vector.index.VectorIndexFactory} service with the
 * property {@value dev.caracal.vector.index.VectorIndexFactory#TYPE_PROPERTY}. Indexes are derived data: the store
 * feeds them vectors by ordinal and can always rebuild them.
 */
@Export
@Version("1.1.0")
package dev.caracal.vector.index;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
