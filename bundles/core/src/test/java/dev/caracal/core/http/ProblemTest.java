package dev.caracal.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {

    @Test
    void jsonMembersInRfcOrderWithExtensions() {
        Problem p = Problem.badField("records[2].vector", "vector has 3 dimensions, expected 384")
                .with("expected", 384);
        assertEquals(
                List.of("type", "title", "status", "detail", "field", "expected"),
                List.copyOf(p.toJson().keySet()));
        assertEquals("urn:caracal:problem:invalid-request", p.type());
        assertEquals(400, p.toJson().get("status"));
        assertEquals("records[2].vector", p.toJson().get("field"));
    }
}
