package dev.caracal.security.core.command;

import dev.caracal.security.Tenant;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code security:tenant-create}, {@code security:tenant-list}, {@code security:tenant-delete}. */
public final class TenantCommands {
    private TenantCommands() {}

    @Service
    @Command(
            scope = "security",
            name = "tenant-create",
            description = "Create a tenant: the owner of its own collections and keys",
            detailedDescription = "Example: security:tenant-create acme")
    public static class Create extends SecurityCommandSupport {
        @Argument(index = 0, name = "name", description = "1 to 63 of a-z, 0-9, '-', '_'", required = true)
        String name;

        @Override
        protected Object run() {
            Tenant t = admin.createTenant(name, operator());
            System.out.println("Created tenant '" + t.name() + "'. Give it a key: security:key-create --tenant "
                    + t.name() + " --role writer <key name>");
            return null;
        }
    }

    @Service
    @Command(scope = "security", name = "tenant-list", description = "List the tenants")
    public static class ListTenants extends SecurityCommandSupport {
        @Override
        protected Object run() {
            ShellTable table = new ShellTable();
            table.column("Tenant");
            table.column("Created");
            table.column("Keys").alignRight();
            for (Tenant t : admin.tenants()) {
                table.addRow()
                        .addContent(
                                t.name(), t.createdAt(), admin.keys(t.name()).size());
            }
            table.print(System.out);
            return null;
        }
    }

    @Service
    @Command(
            scope = "security",
            name = "tenant-delete",
            description = "Delete a tenant and its keys (with --force, also its collections and other data)",
            detailedDescription = "Example: security:tenant-delete --force acme")
    public static class Delete extends SecurityCommandSupport {
        @Option(name = "--force", description = "Also delete what the tenant owns (collections...)")
        boolean force;

        @Argument(index = 0, name = "name", required = true)
        String name;

        @Override
        protected Object run() {
            admin.deleteTenant(name, force, operator());
            System.out.println("Deleted tenant '" + name + "'.");
            return null;
        }
    }
}
