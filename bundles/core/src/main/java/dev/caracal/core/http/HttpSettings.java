package dev.caracal.core.http;

import org.osgi.annotation.versioning.ProviderType;

/** HTTP settings shared by every surface (configured under PID {@code dev.caracal.core.http}). */
@ProviderType
public interface HttpSettings {
    /** The largest request body accepted, in bytes; larger bodies get 413. */
    long maxBodyBytes();
}
