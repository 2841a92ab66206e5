/**
 * Building blocks shared by Caracal's HTTP LLM provider bundles (OpenAI, Anthropic, Ollama, ...): the
 * {@link dev.caracal.llm.support.RetryPolicy retry policy} and its {@link dev.caracal.llm.support.Delayer delayer},
 * {@link dev.caracal.llm.support.Secret secret} handling, {@link dev.caracal.llm.support.HttpErrors} (HTTP status,
 * {@code retry-after} and I/O failure mapping to {@link dev.caracal.llm.ErrorKind}), the
 * {@link dev.caracal.llm.support.SseParser server-sent events parser}, {@link dev.caracal.llm.support.HttpCalls} over an {@link dev.caracal.llm.support.Exchanger} (Jetty's client by
 * default),
 * {@link dev.caracal.llm.support.Batches bounded batches}, {@link dev.caracal.llm.support.Json JSON helpers} and
 * {@link dev.caracal.llm.support.ConfigValues configuration helpers}, and the scaffolding every provider instance
 * has: {@link dev.caracal.llm.support.ProviderRegistrations service registration},
 * {@link dev.caracal.llm.support.ModelListCache the cached model list}, {@link dev.caracal.llm.support.EmbeddingCalls
 * embedding-model plumbing}, {@link dev.caracal.llm.support.ProviderRuntime the chat model's lifecycle} and
 * {@link dev.caracal.llm.support.HttpStreamProtocol stream-protocol wiring}. Provider-specific wire mapping stays in
 * each provider. A library: no components and no services of its own, no global state.
 */
@Export
@Version("2.1.0")
package dev.caracal.llm.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
