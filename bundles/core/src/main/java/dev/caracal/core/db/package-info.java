/**
 * What the bundles that keep their state in a SQL database through one JDBC connection share: a unit of work run as
 * one transaction ({@link dev.caracal.core.db.Transactions}) and the versioned schema
 * ({@link dev.caracal.core.db.SchemaMigrations}). Plain {@code java.sql}: the database driver is the caller's.
 */
@Export
@Version("1.0.0")
package dev.caracal.core.db;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
