/**
 * Ingestion: documents parsed, cut into chunks and stored as one record per chunk in a vector collection. One
 * service, {@link dev.caracal.rag.ingest.Ingestion}, serves the console, the REST API and the RAG pipeline; it finds
 * the document parsers and chunkers of {@code dev.caracal.rag} in the service registry.
 */
@Export
@Version("1.0.0")
package dev.caracal.rag.ingest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
