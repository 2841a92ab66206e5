package dev.caracal.security.core.internal;

import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.Problem;
import dev.caracal.security.SecurityAdminException;
import javax.servlet.http.HttpServletRequest;

/**
 * What the admin surfaces ({@code /api/v1/tenants}, {@code /api/v1/keys}) share: refused admin operations answered
 * as 400, 404 or 409 naming the field, and the path below the servlet split into segments.
 */
abstract class AdminServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected Problem toProblem(RuntimeException e) {
        return e instanceof SecurityAdminException s ? SecurityJson.problem(s) : null;
    }

    /** The segments of the path below the servlet's own ({@code /keys/k1/rotate}: {@code [k1, rotate]}). */
    static String[] segments(HttpServletRequest req) {
        String info = req.getPathInfo();
        if (info == null || info.equals("/")) {
            return new String[0];
        }
        return info.substring(1).split("/", -1);
    }
}
