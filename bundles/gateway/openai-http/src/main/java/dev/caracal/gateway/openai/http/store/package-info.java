/**
 * Where the Responses API's stored responses live, per tenant: the {@link
 * dev.caracal.gateway.openai.http.store.ResponseStore} the servlets use, and its H2 SQL implementation. Private to the
 * bundle.
 */
package dev.caracal.gateway.openai.http.store;
