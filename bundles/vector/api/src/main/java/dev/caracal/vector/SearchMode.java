package dev.caracal.vector;

/** What a search ranks by: vector similarity, keyword relevance (BM25 over record text), or both fused. */
public enum SearchMode {
    VECTOR,
    KEYWORD,
    HYBRID
}
