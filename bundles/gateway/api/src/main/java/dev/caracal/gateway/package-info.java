/**
 * The LLM gateway's API. {@link dev.caracal.gateway.Gateway} is the service the HTTP ingresses (OpenAI- and
 * Anthropic-shaped) and the console call with normalized requests; it routes each to provider targets with fallback
 * and circuit breakers. {@link dev.caracal.gateway.GatewayFilter} is the SPI of the steps every request passes through
 * (authentication, budgets, PII redaction, caching, recording), ordered by {@code service.ranking}, highest first, and
 * discovered by {@link dev.caracal.gateway.GatewayFilter#NAME_PROPERTY}.
 */
@Export
@Version("1.5.0")
package dev.caracal.gateway;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
