package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.GatewayFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

@Service
@Command(
        scope = "gateway",
        name = "filters",
        description = "The gateway's filters, in the order every chat call passes them",
        detailedDescription = "Every GatewayFilter service as the gateway chains them ahead of routing: the highest "
                + "service.ranking first, and of equal rankings the earlier registration. A filter registered without "
                + "the caracal.gateway.filter property still filters calls, but caracal:status does not list it.")
public class FiltersCommand implements Action {

    /** The gateway's order: {@code service.ranking} highest first, then {@code service.id} lowest first. */
    static final Comparator<ServiceReference<?>> CALL_ORDER = Comparator.<ServiceReference<?>>comparingInt(
                    FiltersCommand::ranking)
            .reversed()
            .thenComparingLong(FiltersCommand::serviceId);

    @Reference
    BundleContext context;

    @Override
    public Object execute() throws Exception {
        List<ServiceReference<GatewayFilter>> filters =
                new ArrayList<>(context.getServiceReferences(GatewayFilter.class, null));
        filters.sort(CALL_ORDER);
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Ranking").alignRight();
        table.column("Name");
        table.column("Bundle");
        int position = 0;
        for (ServiceReference<GatewayFilter> ref : filters) {
            String name = name(ref);
            if (name != null) {
                table.addRow()
                        .addContent(
                                ++position, ranking(ref), name, ref.getBundle().getSymbolicName());
            }
        }
        if (position == 0) {
            System.out.println("No gateway filters: every call goes straight to routing.");
            return null;
        }
        table.print(System.out);
        return null;
    }

    /** The filter's own {@link GatewayFilter#name()}; {@code null} when it left meanwhile. */
    private String name(ServiceReference<GatewayFilter> ref) {
        GatewayFilter filter = context.getService(ref);
        if (filter == null) {
            return null;
        }
        try {
            return String.valueOf(filter.name());
        } catch (RuntimeException e) {
            return filter.getClass().getName(); // as the gateway names a filter whose name() fails
        } finally {
            context.ungetService(ref);
        }
    }

    static int ranking(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    static long serviceId(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_ID) instanceof Long id ? id : Long.MAX_VALUE;
    }
}
