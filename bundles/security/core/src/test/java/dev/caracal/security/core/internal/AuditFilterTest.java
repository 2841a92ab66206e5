package dev.caracal.security.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which requests the audit log records, by method and path. */
class AuditFilterTest {

    @Test
    void destructiveRequestsAreAuditedAndOthersAreNot() {
        assertEquals("collection.create", AuditFilter.action("POST", "/api/v1/collections"));
        assertEquals("collection.drop", AuditFilter.action("DELETE", "/api/v1/collections/docs"));
        assertEquals("records.delete", AuditFilter.action("DELETE", "/api/v1/collections/docs/records/7"));
        assertEquals("index.change", AuditFilter.action("PUT", "/api/v1/collections/docs/index"));
        assertEquals("index.rebuild", AuditFilter.action("POST", "/api/v1/collections/docs/index/rebuild"));
        assertEquals("response.delete", AuditFilter.action("DELETE", "/v1/responses/resp_abc"));
        assertNull(AuditFilter.action("GET", "/v1/responses/resp_abc"));
        assertNull(AuditFilter.action("DELETE", "/v1/responses/resp_abc/input_items"));
        assertNull(AuditFilter.action("GET", "/api/v1/collections/docs"));
    }
}
