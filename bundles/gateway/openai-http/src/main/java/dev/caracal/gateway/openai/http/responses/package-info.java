/**
 * Translation between OpenAI's Responses API ({@code POST /v1/responses}: input items, function tools, text formats,
 * the {@code response} object and its stream events) and Caracal's normalized chat types. Pure functions of their
 * input (but for the fresh ids of {@link dev.caracal.gateway.openai.http.responses.ResponseIds}): no servlet, no
 * gateway, no storage. Private to the bundle.
 */
package dev.caracal.gateway.openai.http.responses;
