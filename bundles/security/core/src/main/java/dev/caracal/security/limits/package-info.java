/**
 * Token buckets by name, for request and token rate limits: {@link dev.caracal.security.limits.RateLimiter} holds one
 * {@link dev.caracal.security.limits.TokenBucket} per key, tenant or address, refilled continuously, charged before a
 * request (requests) or after it (tokens a call used). A library package of the security bundle, used by its guard
 * and by the gateway's security filter.
 */
@Export
@Version("1.1.0")
package dev.caracal.security.limits;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
