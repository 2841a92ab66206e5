/**
 * Ingestion: documents parsed, cut into chunks and stored as one record per chunk in a vector collection of a tenant.
 * One service, {@link dev.caracal.rag.ingest.Ingestion}, serves the console, the REST API and the RAG pipeline; it
 * finds the document parsers and chunkers of {@code dev.caracal.rag} in the service registry.
 *
 * <p>2.0: every {@link dev.caracal.rag.ingest.IngestRequest} names the tenant whose collection it writes (a breaking
 * change on purpose: no caller can keep writing into the default tenant without saying so).
 */
@Export
@Version("2.0.0")
package dev.caracal.rag.ingest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
