package dev.caracal.vector.store.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a commit group changed in the records map that must be taken back if the group is not acknowledged: the
 * ordinals it added, and the payloads its deletes removed. A group whose commit or sync failed may still have reached
 * the disk (the MVStore commit succeeded, the vector sync failed; or the write reached the disk and only its sync
 * failed); {@link CollectionFiles#reopen} applies this to the reopened records map, so nothing unacknowledged
 * appears and nothing acknowledged is lost. Replaced versions removed by the group need no undo: the versions that
 * replaced them were acknowledged by the group before.
 */
final class CommitUndo {
    final List<Long> added = new ArrayList<>();
    final Map<Long, byte[]> removed = new HashMap<>();
    /** What the meta map says once the group is acknowledged. */
    final int nextOrdinal;

    final int lastGroupFrom;

    CommitUndo(int nextOrdinal, int lastGroupFrom) {
        this.nextOrdinal = nextOrdinal;
        this.lastGroupFrom = lastGroupFrom;
    }
}
