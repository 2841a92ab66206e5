package dev.caracal.core.internal;

import dev.caracal.core.http.CaracalHttp;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.context.ServletContextHelper;

/**
 * The one servlet context every Caracal surface shares (whiteboard name {@value CaracalHttp#CONTEXT_NAME}, path
 * {@code /}). Security plugs in through {@link GuardFilter}, which runs every {@code RequestGuard} before any
 * servlet of this context.
 */
@Component(
        service = ServletContextHelper.class,
        property = {
            "osgi.http.whiteboard.context.name=" + CaracalHttp.CONTEXT_NAME,
            "osgi.http.whiteboard.context.path=/"
        })
public class CaracalServletContext extends ServletContextHelper {

    @Activate
    public CaracalServletContext(BundleContext context) {
        super(context.getBundle());
    }
}
