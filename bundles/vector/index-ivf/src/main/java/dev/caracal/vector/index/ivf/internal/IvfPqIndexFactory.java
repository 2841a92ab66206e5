package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.index.VectorIndexFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Index type {@code ivf-pq}: IVF whose lists hold 8-bit product-quantized residuals; queries rank by asymmetric
 * distance tables and re-rank the best candidates on full vectors read from the store. Serves the SPI's default
 * metrics only (COSINE, DOT, L2): product quantization approximates Euclidean and inner-product geometry.
 */
@Component(
        service = VectorIndexFactory.class,
        property = VectorIndexFactory.TYPE_PROPERTY + "=" + IvfPqIndexFactory.TYPE,
        configurationPid = "dev.caracal.vector.index.ivfpq",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IvfConfig.class)
public class IvfPqIndexFactory extends IvfIndexFactorySupport {
    public static final String TYPE = "ivf-pq";

    public IvfPqIndexFactory() {
        super(true);
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
