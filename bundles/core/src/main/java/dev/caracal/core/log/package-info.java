/**
 * Logging helpers: {@link dev.caracal.core.log.LogThrottle} keeps a storm of like lines (one per failed request while an
 * upstream is down) from costing more than the requests themselves.
 */
@Export
@Version("1.0.0")
package dev.caracal.core.log;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
