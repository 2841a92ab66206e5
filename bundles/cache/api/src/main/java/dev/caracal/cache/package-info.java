/**
 * The cache API of Caracal: the {@link dev.caracal.cache.CacheBackend} SPI that each backend bundle (Ehcache tiers,
 * H2, Redis) implements, and the {@link dev.caracal.cache.Cache} service that composes backends into tiers.
 */
@Export
@Version("1.0.0")
package dev.caracal.cache;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
