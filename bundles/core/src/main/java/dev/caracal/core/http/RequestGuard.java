package dev.caracal.core.http;

import java.io.IOException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where security plugs into the shared context: every request to a Caracal surface passes each registered guard,
 * in {@code service.ranking} order, before any servlet sees it. A guard that refuses writes the response itself.
 */
@ConsumerType
public interface RequestGuard {
    /** Returns true to let the request through; false once it has answered the request itself (401, 403, 429...). */
    boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException;
}
