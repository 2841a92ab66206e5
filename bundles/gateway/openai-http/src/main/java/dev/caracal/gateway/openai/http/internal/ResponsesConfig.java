package dev.caracal.gateway.openai.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Caracal stored responses",
        description = "The responses POST /v1/responses keeps (store: true, the default) for GET /v1/responses/{id}, "
                + "DELETE and previous_response_id; each belongs to the tenant of the key that created it.")
@interface ResponsesConfig {
    @AttributeDefinition(
            description = "Days a stored response is kept after it was created; older ones are deleted by a purge "
                    + "that runs at start and every purgeIntervalMinutes.")
    int retentionDays() default 30;

    @AttributeDefinition(description = "Minutes between two purges of the responses older than retentionDays.")
    int purgeIntervalMinutes() default 60;

    @AttributeDefinition(
            description = "The most characters of JSON one stored response may take, its response and its input "
                    + "(with the conversation it continues) together; a longer conversation is refused (400).")
    long maxStoredChars() default 33554432L;

    @AttributeDefinition(
            description = "Where the stored responses database (responses.mv.db) lives. Empty means "
                    + "${karaf.data}/caracal/responses.")
    String dataDirectory() default "";
}
