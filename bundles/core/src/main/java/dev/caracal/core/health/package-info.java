/**
 * Health of the container: components register {@link dev.caracal.core.health.HealthCheck} services; the
 * {@link dev.caracal.core.health.HealthRegistry} aggregates them for {@code /healthz}, {@code /readyz} and the console.
 */
@Export
@Version("1.0.0")
package dev.caracal.core.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
