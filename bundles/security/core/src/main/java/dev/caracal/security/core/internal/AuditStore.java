package dev.caracal.security.core.internal;

import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.AuditQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in the {@code audit_log} table: entries are inserted, never updated or deleted through any API.
 * Every entry is also logged (at INFO, logger {@code dev.caracal.audit}) so that log shipping sees it too.
 */
final class AuditStore implements AuditLog {
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.caracal.audit");
    private final SecurityDatabase db;

    AuditStore(SecurityDatabase db) {
        this.db = db;
    }

    @Override
    public AuditEvent record(AuditEvent e) {
        long id = db.run(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO audit_log (at, actor, tenant, action, target, outcome, detail) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setObject(1, Tables.utc(e.time()));
                p.setString(2, cut(e.actor(), 300));
                p.setString(3, e.tenant());
                p.setString(4, cut(e.action(), 100));
                p.setString(5, cut(e.target(), 1000));
                p.setString(6, cut(e.outcome(), 200));
                p.setString(7, cut(e.detail(), 2000));
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        AUDIT.info(
                "audit #{} {} by {} in {} on {}: {}{}",
                id,
                e.action(),
                e.actor(),
                e.tenant(),
                e.target(),
                e.outcome(),
                e.detail() == null ? "" : " (" + e.detail() + ")");
        return new AuditEvent(id, e.time(), e.actor(), e.tenant(), e.action(), e.target(), e.outcome(), e.detail());
    }

    @Override
    public List<AuditEvent> query(AuditQuery q) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, at, actor, tenant, action, target, outcome, detail FROM audit_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Tables.utc(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            args.add(Tables.utc(q.to()));
        }
        if (q.actor() != null) {
            sql.append(" AND LOCATE(?, actor) > 0");
            args.add(q.actor());
        }
        if (q.action() != null) {
            sql.append(" AND (action = ? OR LEFT(action, ?) = ?)");
            args.add(q.action());
            args.add(q.action().length() + 1);
            args.add(q.action() + ".");
        }
        if (q.tenant() != null) {
            sql.append(" AND tenant = ?");
            args.add(q.tenant());
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(q.limit());
        return db.run(c -> {
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    p.setObject(i + 1, args.get(i));
                }
                List<AuditEvent> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEvent(
                                rs.getLong(1),
                                Tables.instant(rs, 2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8)));
                    }
                }
                return out;
            }
        });
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
