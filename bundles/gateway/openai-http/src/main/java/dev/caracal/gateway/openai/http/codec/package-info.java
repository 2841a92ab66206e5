/**
 * Translation between OpenAI's JSON shapes (Chat Completions, chunks, embeddings, models, the error envelope) and
 * Caracal's normalized LLM types. Pure functions of their input: no servlet, no gateway, no I/O. Private to the bundle.
 */
package dev.caracal.gateway.openai.http.codec;
