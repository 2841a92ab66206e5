package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(
        scope = "gateway",
        name = "routes",
        description = "The gateway's routes: model names, strategy and targets",
        detailedDescription = "Configured routes (etc/dev.caracal.gateway.route-<name>.cfg, applied live) come first, "
                + "then the implicit route of every model a provider lists. Targets are tried in the order shown, "
                + "falling back on retryable failures.")
public class RoutesCommand extends GatewayCommandSupport {

    @Override
    protected Object run() {
        var routes = gateway.routes();
        if (routes.isEmpty()) {
            System.out.println("No routes: configure a provider (e.g. feature:install caracal-llm-openai and "
                    + "etc/dev.caracal.llm.openai-main.cfg) or a route (etc/dev.caracal.gateway.route-<name>.cfg).");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Route");
        table.column("Aliases");
        table.column("Strategy");
        table.column("Targets");
        table.column("Source");
        for (Route r : routes) {
            table.addRow()
                    .addContent(
                            r.name() + (r.prefix() ? "*" : ""),
                            orDash(String.join(", ", r.aliases())),
                            r.strategy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                            r.targets().stream().map(RoutesCommand::target).collect(Collectors.joining(" > ")),
                            r.source());
        }
        table.print(System.out);
        return null;
    }

    private static String target(Target t) {
        return t.toString() + (t.weight() != 1 ? "*" + t.weight() : "");
    }
}
