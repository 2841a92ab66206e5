/**
 * The JSON wire format of Caracal's vector API: collection specs, records, filters and search requests read from
 * JSON with errors that name the offending field, and results written back. A library shared by the REST API and the
 * console (it was {@code dev.caracal.vector.http.codec} 1.1.0 inside the REST bundle).
 */
@Export
@Version("1.0.0")
package dev.caracal.vector.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
