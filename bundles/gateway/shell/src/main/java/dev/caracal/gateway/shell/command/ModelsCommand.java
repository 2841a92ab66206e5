package dev.caracal.gateway.shell.command;

import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "llm", name = "models", description = "Every model name a client can ask the gateway for")
public class ModelsCommand extends GatewayCommandSupport {

    @Override
    protected Object run() {
        List<ModelInfo> models = gateway.models();
        if (models.isEmpty()) {
            System.out.println("No models: no provider is configured (llm:providers).");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Model");
        table.column("Provider");
        table.column("Can");
        for (ModelInfo m : models) {
            table.addRow().addContent(m.id(), m.providerId(), capabilities(m.capabilities()));
        }
        table.print(System.out);
        return null;
    }

    static String capabilities(Capabilities c) {
        List<String> can = new ArrayList<>();
        if (c.streaming()) {
            can.add("stream");
        }
        if (c.tools()) {
            can.add("tools");
        }
        if (c.vision()) {
            can.add("vision");
        }
        if (c.embeddings()) {
            can.add("embeddings");
        }
        if (c.jsonOutput()) {
            can.add("json");
        }
        if (c.contextTokens() > 0) {
            can.add(c.contextTokens() / 1000 + "k context");
        }
        return can.isEmpty() ? "-" : String.join(", ", can);
    }
}
