/**
 * HTTP helpers shared by every Caracal surface: the shared servlet context, RFC 9457 problem+json errors, request
 * body limits, JSON request/response handling, SSE and NDJSON writers (and a reused SSE buffer that a stream's generator writes into), and the {@link dev.caracal.core.http.RequestGuard}
 * SPI where the security filter plugs in.
 */
@Export
@Version("1.4.0")
package dev.caracal.core.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
