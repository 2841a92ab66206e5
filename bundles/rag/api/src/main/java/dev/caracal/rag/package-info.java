/**
 * The RAG API of Caracal: document parsers, chunkers and knowledge-graph extractors as plugin SPIs, and the query
 * modes and answer types of the LightRAG-style pipeline.
 */
@Export
@Version("1.0.0")
package dev.caracal.rag;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
