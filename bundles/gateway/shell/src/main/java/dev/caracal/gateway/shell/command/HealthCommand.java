package dev.caracal.gateway.shell.command;

import dev.caracal.gateway.TargetHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(
        scope = "gateway",
        name = "health",
        description = "Circuit breakers and latency of every route target",
        detailedDescription = "closed: calls pass; open: skipped until the time shown (the period doubles after a "
                + "failed probe); half-open: the next call is a probe. 'absent' means the provider instance is not "
                + "registered (its feature or configuration is missing).")
public class HealthCommand extends GatewayCommandSupport {

    @Override
    protected Object run() {
        var health = gateway.health();
        if (health.isEmpty()) {
            System.out.println("No targets.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Target");
        table.column("Provider");
        table.column("Breaker");
        table.column("OK").alignRight();
        table.column("Failed").alignRight();
        table.column("Latency").alignRight();
        table.column("Retry in").alignRight();
        table.column("Last error").maxSize(60);
        Instant now = Instant.now();
        for (TargetHealth h : health) {
            String retry = h.retryAt() == null || !h.retryAt().isAfter(now)
                    ? "-"
                    : Duration.between(now, h.retryAt()).toSeconds() + " s";
            table.addRow()
                    .addContent(
                            h.target().toString(),
                            h.providerPresent() ? "present" : "absent",
                            h.state().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                            h.successes(),
                            h.failures(),
                            h.latencyMillis() > 0 ? String.format(Locale.ROOT, "%.0f ms", h.latencyMillis()) : "-",
                            retry,
                            orDash(h.lastError()));
        }
        table.print(System.out);
        return null;
    }
}
