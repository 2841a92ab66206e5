package dev.caracal.vector.shell.internal;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * How a path typed in the console names a file: {@code ~} and {@code ~/...} start at the home directory of the user
 * running Karaf, an absolute path is taken as it is, and a relative path starts at the console's current directory
 * (what {@code pwd} shows and {@code cd} changes; Karaf starts it in the directory it runs in, which {@code bin/karaf}
 * sets to the installation directory). Other users' homes ({@code ~name}) are not looked up.
 */
public final class ConsolePaths {

    private ConsolePaths() {}

    /** The absolute, normalized path {@code typed} names. */
    public static Path resolve(String typed, Path currentDirectory, Path home) {
        if (typed == null || typed.isBlank()) {
            throw new IllegalArgumentException("give a file or folder to ingest");
        }
        try {
            if (typed.equals("~")) {
                return home.toAbsolutePath().normalize();
            }
            if (typed.startsWith("~/") || typed.startsWith("~" + File.separator)) {
                return home.resolve(typed.substring(2)).toAbsolutePath().normalize();
            }
            if (typed.startsWith("~")) {
                throw new IllegalArgumentException("'" + typed + "': only ~ and ~/... are expanded (to " + home
                        + ", the home directory of the user running Karaf); give the full path");
            }
            Path path = Path.of(typed);
            return (path.isAbsolute() ? path : currentDirectory.resolve(path))
                    .toAbsolutePath()
                    .normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + typed + "' is not a valid path: " + e.getReason());
        }
    }

    /** Whether {@code typed} starts at the current directory (it is neither absolute nor under {@code ~}). */
    public static boolean isRelative(String typed) {
        try {
            return typed != null && !typed.startsWith("~") && !Path.of(typed).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
