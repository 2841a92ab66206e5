package dev.caracal.core.http;

/** Names of the shared servlet context; every Caracal servlet and filter selects it. */
public final class CaracalHttp {
    /** The whiteboard name of the shared context. */
    public static final String CONTEXT_NAME = "caracal";
    /** The value of {@code osgi.http.whiteboard.context.select} that puts a servlet or filter in the shared context. */
    public static final String CONTEXT_SELECT = "(osgi.http.whiteboard.context.name=" + CONTEXT_NAME + ")";

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    private CaracalHttp() {}
}
