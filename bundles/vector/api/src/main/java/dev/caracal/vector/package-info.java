/**
 * The vector database API of Caracal: collections of records (vector, metadata, text, edges), metadata filters,
 * search requests and results, and the {@link dev.caracal.vector.VectorStore} service that owns them.
 */
@Export
@Version("1.3.0")
package dev.caracal.vector;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
