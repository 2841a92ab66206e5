package dev.caracal.rag;

import java.util.List;

/** An answer with its citations and the mode that produced it. */
public record RagAnswer(String text, List<Citation> citations, QueryMode mode) {
    public RagAnswer {
        citations = List.copyOf(citations);
    }
}
