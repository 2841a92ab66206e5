/**
 * Translation between OpenAI's legacy Completions API ({@code POST /v1/completions}: a prompt, {@code text_completion}
 * objects and chunks) and Caracal's normalized chat types. Pure functions of their input. Private to the bundle.
 */
package dev.caracal.gateway.openai.http.completions;
