/**
 * Caracal's security model. Every request to a Caracal surface is made by a {@link dev.caracal.security.Principal}
 * (a tenant, a {@link dev.caracal.security.Role}, the key that authenticated it, and its
 * {@link dev.caracal.security.Grants}), established once by the security guard on the shared context and read by
 * every surface with {@link dev.caracal.security.Principal#of}. Everything a user creates belongs to a
 * {@link dev.caracal.security.Tenant}; engines that keep tenant-owned state register a
 * {@link dev.caracal.security.TenantData} so tenants are never deleted from under it.
 *
 * <p>{@link dev.caracal.security.SecurityAdmin} manages tenants and keys ({@link dev.caracal.security.ApiKey}: only
 * its metadata; the secret is shown once, in {@link dev.caracal.security.NewKey}); {@link
 * dev.caracal.security.AuditLog} records admin and destructive actions; {@link dev.caracal.security.Authenticator}
 * lets other credential kinds plug in beside API keys.
 */
@Export
@Version("1.1.0")
package dev.caracal.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
