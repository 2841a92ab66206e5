package dev.caracal.security.core.command;

import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.AuditQuery;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(
        scope = "security",
        name = "audit",
        description = "Show the audit log, newest first",
        detailedDescription = "Example: security:audit --action collection --tenant acme --limit 20")
public class AuditCommand extends SecurityCommandSupport {
    @Reference(optional = true)
    AuditLog audit;

    @Option(name = "--limit", description = "How many entries (default 50)")
    int limit = 50;

    @Option(name = "--action", description = "Only this action, or actions under it (key, collection.drop)")
    String action;

    @Option(name = "--tenant", description = "Only this tenant")
    String tenant;

    @Option(name = "--actor", description = "Only actors whose name contains this")
    String actor;

    @Option(name = "--since", description = "Only entries this recent: 2h, 7d, or a time like 2026-12-01T00:00:00Z")
    String since;

    @Override
    protected Object run() throws Exception {
        if (audit == null) {
            throw failure("the audit log is not running (feature caracal-security)");
        }
        Instant from = since == null ? null : since(since);
        ShellTable table = new ShellTable();
        for (String c : new String[] {"#", "Time", "Actor", "Tenant", "Action", "Target", "Outcome"}) {
            table.column(c);
        }
        for (AuditEvent e : audit.query(new AuditQuery(from, null, actor, action, tenant, limit))) {
            table.addRow().addContent(e.id(), e.time(), e.actor(), e.tenant(), e.action(), e.target(), e.outcome());
        }
        table.print(System.out);
        return null;
    }

    /** {@code 2h} or {@code 7d} ago, or an ISO-8601 instant. */
    static Instant since(String s) {
        Instant later = KeyCommands.expiry(s);
        Instant now = Instant.now();
        return later.isAfter(now) ? now.minus(java.time.Duration.between(now, later)) : later;
    }
}
