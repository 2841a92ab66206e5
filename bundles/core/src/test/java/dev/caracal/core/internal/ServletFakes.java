package dev.caracal.core.internal;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** A request with a path and headers, and a response that records what is written, as plain proxies. */
final class ServletFakes {
    private ServletFakes() {}

    static HttpServletRequest request(String path, Map<String, String> headers) {
        return request(path, headers, Map.of());
    }

    /** A GET of {@code path} with these headers and request attributes (an error dispatch carries some). */
    static HttpServletRequest request(String path, Map<String, String> headers, Map<String, Object> attributes) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                ServletFakes.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getServletPath", "getRequestURI" -> path;
                    case "getPathInfo" -> null;
                    case "getMethod" -> "GET";
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    default -> throw new AssertionError("the filter looked at " + method.getName());
                });
    }

    /** What a response received. */
    static final class Recorded {
        int status = 200;
        final Map<String, String> headers = new TreeMap<>();
        String contentType;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }

        HttpServletResponse response() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {}
            };
            return (HttpServletResponse) Proxy.newProxyInstance(
                    ServletFakes.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setStatus" -> status = (Integer) args[0];
                            case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "setContentType" -> contentType = (String) args[0];
                            case "setCharacterEncoding", "resetBuffer" -> {}
                            case "isCommitted" -> {
                                return false;
                            }
                            case "getOutputStream" -> {
                                return out;
                            }
                            default -> throw new AssertionError("the filter called " + method.getName());
                        }
                        return null;
                    });
        }
    }
}
