package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HnswGraphTest {
    final HnswGraph graph = new HnswGraph(4);

    /** Places {@code node} at {@code level} as an insert does, and makes it the entry point if there is none. */
    private void place(int node, int level) {
        graph.ensurePage(node);
        GraphPages p = graph.pages();
        graph.reserve(p, node, level);
        graph.publish(p, node, level, true);
        graph.extendLimit(node);
        graph.entryOrClaim(node, level);
    }

    private int[] neighbours(int node, int level) {
        int[] out = new int[graph.maxConnections(0)];
        return Arrays.copyOf(out, graph.readNeighbours(graph.pages(), node, level, out));
    }

    @Test
    void nodesListsAndTheEntryPoint() {
        assertEquals(-1, graph.entry());
        assertEquals(8, graph.maxConnections(0));
        assertEquals(4, graph.maxConnections(1));
        place(3, 2);
        assertEquals(HnswGraph.entryOf(3, 2), graph.entry());
        place(10_000, 0); // another page
        place(5, 1);
        GraphPages p = graph.pages();
        assertEquals(2, p.levelOf(3));
        assertEquals(0, p.levelOf(10_000));
        assertEquals(-1, p.levelOf(4), "never added");
        assertEquals(-1, p.levelOf(50_000), "beyond every page");
        assertEquals(-1, p.levelOf(-1));
        assertFalse(p.isPresent(3 * GraphPages.PAGE_SIZE));
        assertEquals(3, graph.size());
        assertEquals(10_001, graph.limit());

        assertEquals(0, neighbours(3, 2).length, "a new node has empty lists");
        graph.appendNeighbour(p, 3, 0, 0, 5);
        graph.appendNeighbour(p, 3, 0, 1, 10_000);
        graph.writeNeighbours(p, 3, 1, new int[] {5}, 1);
        assertArrayEquals(new int[] {5, 10_000}, neighbours(3, 0));
        assertArrayEquals(new int[] {5}, neighbours(3, 1));
        assertEquals(0, neighbours(3, 2).length);
        assertEquals(0, neighbours(10_000, 1).length, "above the node's level");

        // the entry point: claimed once, raised only by a higher level
        assertEquals(HnswGraph.entryOf(3, 2), graph.entryOrClaim(7, 9));
        graph.raiseEntry(5, 1);
        assertEquals(3, HnswGraph.entryNode(graph.entry()));
        graph.raiseEntry(5, 3);
        assertEquals(5, HnswGraph.entryNode(graph.entry()));
        assertEquals(3, HnswGraph.entryLevel(graph.entry()));
    }

    @Test
    void removalTombstonesAndCompactionFreesAndMovesTheEntryPoint() {
        place(1, 1);
        place(2, 2);
        place(3, 0);
        graph.raiseEntry(2, 2);
        GraphPages p = graph.pages();
        graph.writeNeighbours(p, 1, 0, new int[] {2, 3}, 2);

        assertEquals(2, graph.markRemoved(p, 2));
        assertEquals(-1, graph.markRemoved(p, 2), "already tombstoned");
        assertEquals(-1, graph.markRemoved(p, 9), "never added");
        assertTrue(p.isTombstoned(2));
        assertEquals(2, graph.size());
        assertEquals(1, graph.tombstones());

        graph.revive(p, 2); // a re-add before compaction
        assertFalse(p.isTombstoned(2));
        assertEquals(3, graph.size());
        assertEquals(0, graph.tombstones());

        graph.markRemoved(p, 2);
        graph.markRemoved(p, 3);
        assertEquals(2, graph.freeTombstoned());
        assertEquals(-1, p.levelOf(2));
        assertEquals(-1, p.levelOf(3));
        assertFalse(p.isTombstoned(2), "a freed slot is clean for the next insert");
        assertEquals(0, graph.tombstones());
        assertEquals(1, graph.size());
        assertEquals(HnswGraph.entryOf(1, 1), graph.entry(), "the first node of the highest level left");
        assertArrayEquals(new int[] {2, 3}, neighbours(1, 0), "unlinking live lists is the builder's job");

        graph.markRemoved(p, 1);
        graph.freeTombstoned();
        assertEquals(-1, graph.entry(), "nothing left");
    }

    @Test
    void memoryCountsPagesAndClearDropsThem() {
        long empty = graph.memoryBytes();
        place(0, 3);
        assertTrue(graph.memoryBytes() > empty + 4L * GraphPages.PAGE_SIZE * 9, "" + graph.memoryBytes());
        graph.clear();
        assertEquals(empty, graph.memoryBytes());
        assertEquals(-1, graph.entry());
        assertEquals(0, graph.size());
        assertEquals(-1, graph.pages().levelOf(0));
    }
}
