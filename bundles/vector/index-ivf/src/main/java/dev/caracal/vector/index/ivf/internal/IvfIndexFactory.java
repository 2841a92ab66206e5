package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.index.VectorIndexFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/** Index type {@code ivf}: IVF-Flat, inverted lists of full vectors around k-means centroids. */
@Component(service = VectorIndexFactory.class, property = VectorIndexFactory.TYPE_PROPERTY + "=" + IvfIndexFactory.TYPE,
        configurationPid = "dev.caracal.vector.index.ivf", configurationPolicy = ConfigurationPolicy.OPTIONAL)
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
    public String type() {
        return TYPE;
    }
}
