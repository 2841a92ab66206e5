package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer.F;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ModelInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's model objects. The gateway does not know when a model was created, so {@code created} is 0; a name
 * offered by several providers is listed once, by the first.
 */
public final class ModelsCodec {

    private ModelsCodec() {}

    public static ObjectNode list(List<ModelInfo> models) {
        ObjectNode root = F.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        Set<String> seen = new HashSet<>();
        for (ModelInfo m : models) {
            if (seen.add(m.id())) {
                data.add(model(m));
            }
        }
        return root;
    }

    public static ObjectNode model(ModelInfo m) {
        ObjectNode o = F.objectNode();
        o.put("id", m.id());
        o.put("object", "model");
        o.put("created", 0L);
        o.put("owned_by", m.providerId());
        return o;
    }
}
