package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndexFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Index type {@code ivf}: IVF-Flat, inverted lists of full vectors around k-means centroids. Serves COSINE, DOT, L2
 * and MANHATTAN (lists partition by Euclidean k-means; the vectors in the probed lists are scored exactly by L1).
 */
@Component(
        service = VectorIndexFactory.class,
        property = VectorIndexFactory.TYPE_PROPERTY + "=" + IvfIndexFactory.TYPE,
        configurationPid = "dev.caracal.vector.index.ivf",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IvfConfig.class)
public class IvfIndexFactory extends IvfIndexFactorySupport {
    public static final String TYPE = "ivf";

    public IvfIndexFactory() {
        super(false);
    }

    @Activate
    void activate(IvfConfig config) {
        configure(config);
    }

    @Override
    public boolean supports(Metric metric) {
        return metric == Metric.COSINE || metric == Metric.DOT || metric == Metric.L2 || metric == Metric.MANHATTAN;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
