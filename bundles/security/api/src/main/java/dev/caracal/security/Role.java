package dev.caracal.security;

import java.util.Locale;

/** What a key may do within its tenant. */
public enum Role {
    /** Everything, on every tenant (by naming it); manages tenants and keys. */
    ADMIN,
    /** Reads and writes within its tenant. */
    WRITER,
    /** Reads and searches within its tenant. */
    READER;

    /** The name used on the wire and in the console: {@code admin}, {@code writer}, {@code reader}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role may perform {@code access}. */
    public boolean allows(Access access) {
        return switch (access) {
            case READ -> true;
            case WRITE -> this != READER;
            case ADMIN -> this == ADMIN;
        };
    }

    /** The role named {@code id} (case-insensitive); an unknown name is an {@link IllegalArgumentException}. */
    public static Role parse(String id) {
        if (id != null) {
            for (Role r : values()) {
                if (r.id().equalsIgnoreCase(id.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("role must be one of admin, writer, reader (was " + id + ")");
    }
}
