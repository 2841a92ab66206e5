package dev.caracal.rag;

/**
 * How a RAG query gathers context, as in LightRAG: {@code NAIVE} chunk search only; {@code LOCAL} entities and
 * their neighbourhood; {@code GLOBAL} relations and themes; {@code HYBRID} local and global; {@code MIX} hybrid plus
 * chunk search.
 */
public enum QueryMode {
    NAIVE,
    LOCAL,
    GLOBAL,
    HYBRID,
    MIX
}
