package dev.caracal.vector.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The vector store's configuration (PID {@code dev.caracal.vector.store}, {@code etc/dev.caracal.vector.store.cfg}). */
@ObjectClassDefinition(
        name = "Caracal Vector Store",
        description = "Durable vector collections with exact and plugin-indexed search")
public @interface StoreConfig {
    @AttributeDefinition(
            name = "Data directory",
            description =
                    "Where collections are stored: a folder per tenant, one per collection inside it. Empty means "
                            + "${karaf.data}/caracal/vector.")
    String dataDirectory() default "";

    @AttributeDefinition(
            name = "Search threads",
            description = "Threads one exact scan may use, the caller included; 0 means the number of processors.")
    int searchThreads() default 0;

    @AttributeDefinition(name = "Maximum k", description = "The most results one search may ask for.")
    int maxK() default 10_000;

    @AttributeDefinition(
            name = "Maximum batch size",
            description = "The most records one upsert, or ids one delete, may carry.")
    int maxBatchSize() default 10_000;

    @AttributeDefinition(name = "Maximum id length", description = "The longest record id, in characters.")
    int maxIdLength() default 512;

    @AttributeDefinition(
            name = "Page cache (MB)",
            description = "MVStore page cache per collection, used to read records (get, search hits).")
    int cacheSizeMb() default 16;

    @AttributeDefinition(
            name = "Index build threads",
            description = "Threads that build index plugins in the background; 0 means half the processors.")
    int indexBuildThreads() default 0;
}
