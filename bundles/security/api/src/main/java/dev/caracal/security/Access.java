package dev.caracal.security;

/** What a request does, as the guard classifies it: reads (and searches), writes, or administration. */
public enum Access {
    READ,
    WRITE,
    ADMIN
}
