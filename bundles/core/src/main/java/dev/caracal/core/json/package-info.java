/** The JSON mapper every Caracal bundle shares, configured once. */
@Export
@Version("1.2.0")
package dev.caracal.core.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
