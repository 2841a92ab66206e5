/**
 * The LLM SPI of Caracal: the normalized chat request, response and stream-event types that every provider bundle
 * and every HTTP ingress share, and the two plugin interfaces a provider implements, {@link dev.caracal.llm.ChatModel}
 * and {@link dev.caracal.llm.EmbeddingModel}.
 */
@Export
@Version("1.4.0")
package dev.caracal.llm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
