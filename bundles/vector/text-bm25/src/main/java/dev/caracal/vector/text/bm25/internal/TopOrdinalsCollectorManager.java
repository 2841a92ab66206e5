package dev.caracal.vector.text.bm25.internal;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.text.bm25.internal.Bm25TextIndex.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

/**
 * Collects the best {@code k} matches whose ordinal (read from the ordinal doc values) the {@link OrdinalFilter}
 * accepts. The filter is applied while collecting, so a selective filter never starves the result: every accepted
 * match competes. Once {@code k} accepted hits are held, the scorer is told the lowest of their scores, which lets
 * Lucene skip blocks that cannot compete (rejected documents never enter, so this stays exact).
 */
final class TopOrdinalsCollectorManager
        implements CollectorManager<TopOrdinalsCollectorManager.TopOrdinalsCollector, ScoredOrdinals> {

    /** Worst first: lower score, then (on ties) the later document. */
    private static final Comparator<Hit> WORST_FIRST = Bm25TextIndex.BEST_FIRST.reversed();

    private final int k;
    private final OrdinalFilter filter;

    TopOrdinalsCollectorManager(int k, OrdinalFilter filter) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive");
        }
        this.k = k;
        this.filter = filter;
    }

    @Override
    public TopOrdinalsCollector newCollector() {
        return new TopOrdinalsCollector();
    }

    @Override
    public ScoredOrdinals reduce(Collection<TopOrdinalsCollector> collectors) {
        List<List<Hit>> parts = new ArrayList<>();
        for (TopOrdinalsCollector c : collectors) {
            parts.add(new ArrayList<>(c.queue));
        }
        return Bm25TextIndex.toScoredOrdinals(Bm25TextIndex.mergeTop(parts, k));
    }

    final class TopOrdinalsCollector implements Collector {
        final PriorityQueue<Hit> queue = new PriorityQueue<>(Math.min(k, 1024) + 1, WORST_FIRST);

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.TOP_SCORES;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
            int docBase = context.docBase;
            NumericDocValues ordinals = DocValues.getNumeric(context.reader(), Bm25TextIndex.FIELD_ORDINAL);
            return new LeafCollector() {
                private Scorable scorer;

                @Override
                public void setScorer(Scorable scorer) throws IOException {
                    this.scorer = scorer;
                    if (queue.size() >= k) {
                        scorer.setMinCompetitiveScore(queue.peek().score());
                    }
                }

                @Override
                public void collect(int doc) throws IOException {
                    float score = scorer.score();
                    boolean full = queue.size() >= k;
                    if (full && score <= queue.peek().score()) {
                        return; // ties go to the earlier document, as in Lucene
                    }
                    if (!ordinals.advanceExact(doc)) {
                        return;
                    }
                    int ordinal = (int) ordinals.longValue();
                    if (filter != null && !filter.accept(ordinal)) {
                        return;
                    }
                    if (full) {
                        queue.poll();
                    }
                    queue.add(new Hit(docBase + doc, ordinal, score));
                    if (queue.size() >= k) {
                        scorer.setMinCompetitiveScore(queue.peek().score());
                    }
                }
            };
        }
    }
}
