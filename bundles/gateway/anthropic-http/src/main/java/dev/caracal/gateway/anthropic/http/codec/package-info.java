/**
 * The Anthropic Messages API wire format: request validation and translation to the normalized
 * {@link dev.caracal.llm.ChatRequest}, response and stream-event rendering, and the error envelope. Pure functions of
 * JSON trees and normalized values (stream events are written with a JSON generator into an {@link
 * dev.caracal.gateway.anthropic.http.codec.EventSink}); no servlet or OSGi types.
 */
package dev.caracal.gateway.anthropic.http.codec;
