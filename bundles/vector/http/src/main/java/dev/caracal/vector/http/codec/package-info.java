/**
 * The JSON wire format of Caracal's vector API: collection specs, records, filters and search requests read from
 * JSON with errors that name the offending field, and results written back. Shared by the REST API and the console.
 */
@Export
@Version("1.1.0")
package dev.caracal.vector.http.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
