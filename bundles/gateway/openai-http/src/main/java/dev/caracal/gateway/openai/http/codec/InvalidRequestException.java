package dev.caracal.gateway.openai.http.codec;

/**
 * A request the OpenAI ingress refuses before calling the gateway: answered 400 {@code invalid_request_error} with
 * {@code param} naming the field ({@code temperature}, {@code messages[2].content}) and an OpenAI-style {@code code}.
 */
public class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The field is absent or null but required. */
    public static final String MISSING = "missing_required_parameter";
    /** The field has the wrong JSON type. */
    public static final String INVALID_TYPE = "invalid_type";
    /** The field has the right type but a value out of range or not allowed. */
    public static final String INVALID_VALUE = "invalid_value";
    /** The field is valid OpenAI but this gateway cannot honour it. */
    public static final String UNSUPPORTED = "unsupported_parameter";
    /** The value is valid OpenAI but this gateway cannot honour it. */
    public static final String UNSUPPORTED_VALUE = "unsupported_value";

    private final String param;
    private final String code;

    public InvalidRequestException(String param, String code, String message) {
        super(message);
        this.param = param;
        this.code = code;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public static InvalidRequestException missing(String param) {
        return new InvalidRequestException(param, MISSING, "Missing required parameter: '" + param + "'.");
    }

    public static InvalidRequestException type(String param, String expected) {
        return new InvalidRequestException(
                param, INVALID_TYPE, "Invalid type for '" + param + "': expected " + expected + ".");
    }

    public static InvalidRequestException value(String param, String why) {
        return new InvalidRequestException(param, INVALID_VALUE, "Invalid value for '" + param + "': " + why);
    }

    public static InvalidRequestException unsupported(String param, String why) {
        return new InvalidRequestException(param, UNSUPPORTED, "Unsupported parameter: '" + param + "': " + why);
    }

    public static InvalidRequestException unsupportedValue(String param, String why) {
        return new InvalidRequestException(param, UNSUPPORTED_VALUE, "Unsupported value for '" + param + "': " + why);
    }
}
