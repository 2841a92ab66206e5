package dev.caracal.vector;

import java.util.List;
import java.util.Objects;

/**
 * A predicate over record metadata, applied during search. A field is a top-level metadata key or a dotted path
 * into nested objects ({@code author.name}). A field that holds a list matches {@code Eq} and {@code In} when any
 * element matches.
 */
public sealed interface Filter
        permits Filter.Eq, Filter.In, Filter.Range, Filter.Exists, Filter.And, Filter.Or, Filter.Not {

    /** {@code field == value}; numbers compare by value ({@code 2 == 2.0}). */
    record Eq(String field, Object value) implements Filter {
        public Eq {
            Objects.requireNonNull(field, "field");
        }
    }

    /** {@code field} equals one of {@code values}. */
    record In(String field, List<Object> values) implements Filter {
        public In {
            Objects.requireNonNull(field, "field");
            values = List.copyOf(values);
        }
    }

    /**
     * {@code field} within bounds; each bound may be {@code null}. Bounds are numbers, or strings compared
     * lexicographically (ISO dates work).
     */
    record Range(String field, Object gt, Object gte, Object lt, Object lte) implements Filter {
        public Range {
            Objects.requireNonNull(field, "field");
        }
    }

    /** {@code field} is present and not null. */
    record Exists(String field) implements Filter {
        public Exists {
            Objects.requireNonNull(field, "field");
        }
    }

    record And(List<Filter> filters) implements Filter {
        public And {
            filters = List.copyOf(filters);
        }
    }

    record Or(List<Filter> filters) implements Filter {
        public Or {
            filters = List.copyOf(filters);
        }
    }

    record Not(Filter filter) implements Filter {
        public Not {
            Objects.requireNonNull(filter, "filter");
        }
    }
}
