/**
 * The vector database API of Caracal: collections of records (vector, metadata, text, edges), metadata filters,
 * search requests and results, and the {@link dev.caracal.vector.VectorStore} service that owns them. Every collection
 * belongs to a tenant ({@link dev.caracal.vector.VectorStore#forTenant}); names are unique within a tenant.
 */
@Export
@Version("1.4.0")
package dev.caracal.vector;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
