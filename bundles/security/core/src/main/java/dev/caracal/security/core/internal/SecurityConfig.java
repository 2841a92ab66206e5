package dev.caracal.security.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Caracal security",
        description = "API keys, roles and tenants on every surface but /healthz and /readyz; rate limits; browser "
                + "protections. Keys are managed with security: commands and /api/v1/keys.")
@interface SecurityConfig {
    @AttributeDefinition(
            description = "Require an API key on every surface but /healthz and /readyz. Turn off only for local "
                    + "experiments: every request then acts as admin of the default tenant, and only requests whose "
                    + "Host is localhost, this machine's name or one of allowedHosts are served.")
    boolean authentication() default true;

    @AttributeDefinition(
            description = "With authentication off: further Host names (or addresses) requests may name, besides "
                    + "localhost, 127.0.0.1, ::1 and this machine's names.")
    String[] allowedHosts() default {};

    @AttributeDefinition(
            description = "Origins (scheme://host[:port]) whose web pages may call Caracal from a browser. Empty: "
                    + "no cross-origin access.")
    String[] corsOrigins() default {};

    @AttributeDefinition(description = "Minutes a rotated key keeps working after its rotation, by default.")
    int rotationGraceMinutes() default 1440;

    @AttributeDefinition(description = "Requests per minute per key (0: no limit).")
    int keyRequestsPerMinute() default 0;

    @AttributeDefinition(description = "Requests per minute per tenant, all its keys together (0: no limit).")
    int tenantRequestsPerMinute() default 0;

    @AttributeDefinition(description = "Requests per minute for the whole server (0: no limit).")
    int globalRequestsPerMinute() default 0;

    @AttributeDefinition(
            description = "Gateway tokens (input plus output, as the provider reports them) per minute per key "
                    + "(0: no limit).")
    int keyTokensPerMinute() default 0;

    @AttributeDefinition(description = "Gateway tokens per minute per tenant (0: no limit).")
    int tenantTokensPerMinute() default 0;

    @AttributeDefinition(
            description = "Failed authentications per minute per client address before the address is refused "
                    + "(429) until the minute has passed; keys cannot be guessed.")
    int failedAuthPerMinute() default 10;

    @AttributeDefinition(
            description = "Where the security database and the generated admin key live. Empty means "
                    + "${karaf.data}/caracal.")
    String dataDirectory() default "";
}
