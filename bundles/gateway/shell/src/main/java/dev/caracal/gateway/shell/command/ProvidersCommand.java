package dev.caracal.gateway.shell.command;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

@Service
@Command(
        scope = "llm",
        name = "providers",
        description = "Chat providers and embedding models registered now",
        detailedDescription = "One row per provider instance (an etc/dev.caracal.llm.<kind>-<name>.cfg) and per "
                + "embedding model, with the bundle that serves it.")
public class ProvidersCommand implements Action {

    @Reference
    BundleContext context;

    @Override
    public Object execute() throws InvalidSyntaxException {
        ShellTable table = new ShellTable();
        table.column("Kind");
        table.column("Id");
        table.column("Provider");
        table.column("Models").maxSize(70);
        table.column("Bundle");
        int rows = 0;
        for (ServiceReference<ChatModel> ref : context.getServiceReferences(ChatModel.class, null)) {
            ChatModel model = context.getService(ref);
            if (model == null) {
                continue;
            }
            try {
                String models;
                try {
                    List<ModelInfo> list = model.models();
                    models = list.size() + ": "
                            + list.stream().map(ModelInfo::id).limit(6).collect(Collectors.joining(", "))
                            + (list.size() > 6 ? ", ..." : "");
                } catch (RuntimeException e) {
                    models = "(listing failed: " + e.getMessage() + ")";
                }
                table.addRow()
                        .addContent(
                                "chat",
                                property(ref, LlmProperties.PROVIDER_ID, model.providerId()),
                                property(ref, LlmProperties.PROVIDER, "-"),
                                models,
                                ref.getBundle().getSymbolicName());
                rows++;
            } finally {
                context.ungetService(ref);
            }
        }
        for (ServiceReference<EmbeddingModel> ref : context.getServiceReferences(EmbeddingModel.class, null)) {
            EmbeddingModel model = context.getService(ref);
            if (model == null) {
                continue;
            }
            try {
                table.addRow()
                        .addContent(
                                "embedding",
                                property(ref, LlmProperties.EMBEDDING_MODEL, model.name()),
                                "-",
                                model.dimension() + " dimensions",
                                ref.getBundle().getSymbolicName());
                rows++;
            } finally {
                context.ungetService(ref);
            }
        }
        if (rows == 0) {
            System.out.println("No providers. Install one, e.g. feature:install caracal-llm-openai, and configure it "
                    + "in etc/ (see etc/dev.caracal.llm.openai-main.cfg.example).");
            return null;
        }
        table.print(System.out);
        return null;
    }

    private static String property(ServiceReference<?> ref, String name, String fallback) {
        Object v = ref.getProperty(name);
        return v == null ? fallback : v.toString();
    }
}
