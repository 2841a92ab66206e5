package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.index.IndexContext;
import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.Map;

/** What the ivf and ivf-pq factories share: parameters, settings, opening an {@link IvfIndex}. */
abstract class IvfIndexFactorySupport implements VectorIndexFactory {
    private final boolean pq;
    volatile IvfSettings settings = IvfSettings.DEFAULTS;

    IvfIndexFactorySupport(boolean pq) {
        this.pq = pq;
    }

    void configure(IvfConfig config) {
        settings = config == null ? IvfSettings.DEFAULTS : IvfSettings.of(config);
    }

    @Override
    public Map<String, Object> validateBuildParams(Map<String, Object> params) {
        return IvfParams.validateBuild(params, pq);
    }

    @Override
    public Map<String, Object> validateQueryParams(Map<String, Object> params) {
        return IvfParams.validateQuery(params, pq);
    }

    @Override
    public VectorIndex open(IndexContext context) {
        // refuse a metric this type does not serve rather than mis-score it (the store normally asks supports() first)
        IvfScoring.of(type(), context.metric(), pq);
        if (!supports(context.metric())) {
            throw new IllegalArgumentException("the " + type() + " index does not support the metric '"
                    + context.metric().id() + "'");
        }
        IvfParams.Build build = IvfParams.parseBuild(context.spec().params(), pq);
        int dim = context.vectors().dimension();
        int m = 0;
        if (pq) {
            m = build.pqM() == 0 ? IvfParams.defaultPqM(dim) : build.pqM();
            if (m > dim || dim % m != 0) {
                throw new InvalidRequestException("index.pqM", "pqM must divide the dimension " + dim + "; got " + m);
            }
        }
        IvfIndex index = new IvfIndex(type(), context, build, m, settings);
        index.restore();
        return index;
    }
}
