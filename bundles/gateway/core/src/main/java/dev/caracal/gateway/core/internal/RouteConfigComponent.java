package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.Route;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured route: a component per factory configuration {@code dev.caracal.gateway.route}
 * ({@code etc/dev.caracal.gateway.route-<name>.cfg}). It parses its configuration and offers the route to the gateway
 * as a bundle-private service; the gateway picks routes up, changes and departures through its dynamic reference.
 * A configuration that cannot be parsed is logged at ERROR, naming the property, and offers no route.
 */
@Component(
        name = RouteConfigComponent.FACTORY_PID,
        configurationPid = RouteConfigComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RouteConfigComponent.class,
        immediate = true)
@Designate(ocd = RouteConfigComponent.Config.class, factory = true)
public class RouteConfigComponent {
    static final String FACTORY_PID = "dev.caracal.gateway.route";
    private static final Logger LOG = LoggerFactory.getLogger(RouteConfigComponent.class);

    @ObjectClassDefinition(
            name = "Caracal Gateway Route",
            description = "A model name clients ask for and the provider targets that serve it")
    public @interface Config {
        @AttributeDefinition(
                name = "Name",
                description = "The model name (or, with prefix, the name prefix) clients ask for")
        String name();

        @AttributeDefinition(
                name = "Aliases",
                description = "Other names of this route, comma separated",
                required = false)
        String aliases() default "";

        @AttributeDefinition(name = "Prefix", description = "Answer every model name that starts with the name")
        boolean prefix() default false;

        @AttributeDefinition(
                name = "Strategy",
                description = "How targets are ordered",
                options = {
                    @org.osgi.service.metatype.annotations.Option(
                            label = "Ordered (first healthy, then fallbacks)",
                            value = "ordered"),
                    @org.osgi.service.metatype.annotations.Option(
                            label = "Weighted (first drawn by weight)",
                            value = "weighted"),
                    @org.osgi.service.metatype.annotations.Option(label = "Least latency", value = "least-latency")
                })
        String strategy() default "ordered";

        @AttributeDefinition(
                name = "Targets",
                description =
                        "Comma list of provider/model, optionally *weight: openai-main/gpt-4o-mini*3, anthropic-main/claude-3-5-haiku-latest")
        String targets();
    }

    private volatile Route route;
    private volatile String pid = "";

    /** For DS. */
    public RouteConfigComponent() {}

    /** A route configuration outside OSGi (tests). */
    static RouteConfigComponent of(Map<String, ?> properties) {
        RouteConfigComponent c = new RouteConfigComponent();
        c.configure(properties);
        return c;
    }

    @Activate
    @Modified
    void configure(Map<String, ?> properties) {
        Object servicePid = properties.get("service.pid");
        pid = servicePid == null ? FACTORY_PID : servicePid.toString();
        try {
            route = RouteParser.parse(properties, pid);
        } catch (RouteConfigException e) {
            route = null;
            LOG.error("Route configuration {} is not installed: {}", pid, e.getMessage());
        }
    }

    /** The route, or {@code null} when the configuration is invalid. */
    Route route() {
        return route;
    }

    String pid() {
        return pid;
    }
}
