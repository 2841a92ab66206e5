package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code docs/gateway-fields.md} promises, proved on the wire: every request field documented for
 * {@code POST /v1/chat/completions} and {@code POST /v1/messages} is sent alone (beside a minimal request) through
 * the real ingress of the distribution ({@code bin/karaf server}) to an OpenAI-compatible, an Anthropic and an Ollama
 * provider, each configured with a {@link WireRecorder} as its upstream, which keeps the provider's request as it was
 * sent and passes it on to aimock. The expectation comes from the document's cell: one that begins with "refused" is a 400 in the
 * client's envelope naming the field, with nothing sent upstream; any other is a 200 with the field, or the
 * translation the cell names, in the upstream body. A cell with conditions ("`true` refused", "only 1") is checked
 * with a sample per case: {@link #SAMPLES} holds one or more sample values per documented field, the cell's words
 * that make a sample a refused case, and what each provider must send for it. A documented field without a sample,
 * or a sample of a field the document does not list, fails the test, so a row added to the document asks for its
 * wire check. Where the gateway and the document disagree today, the disagreement is listed in
 * {@link #KNOWN_DISCREPANCIES} with what is observed, and the test fails when one of them no longer holds.
 *
 * <p>The document has no table of headers, only the prose of its "Headers" section; the allow-list forwarding it
 * describes is checked from {@link #HEADERS}, whose header names that prose must mention.
 */
class GatewayFieldsWireIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for the call's unique marker in samples: the user's text holds it, so each upstream request is found. */
    private static final String MARKER = "@MARKER@";

    /** A provider column of the document, the route the test calls it by, and the model that route targets. */
    enum Provider {
        OPENAI("OpenAI-compatible", "wire-openai", "oa", "gpt-4o-mini"),
        ANTHROPIC("Anthropic", "wire-anthropic", "an", "claude-3-5-haiku-latest"),
        OLLAMA("Ollama", "wire-ollama", "ol", "llama3.2");

        final String column;
        final String route;
        final String id;
        final String model;

        Provider(String column, String route, String id, String model) {
            this.column = column;
            this.route = route;
            this.id = id;
            this.model = model;
        }

        static Provider ofColumn(String column) {
            for (Provider p : values()) {
                if (p.column.equals(column)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** An ingress: its section of the document, its path, its minimal request and its error envelope. */
    enum Ingress {
        CHAT("`POST /v1/chat/completions`", "/v1/chat/completions"),
        MESSAGES("`POST /v1/messages`", "/v1/messages");

        final String heading;
        final String path;

        Ingress(String heading, String path) {
            this.heading = heading;
            this.path = path;
        }

        /** The smallest valid request to {@code provider}'s route; the user's text holds the call's marker. */
        ObjectNode base(Provider provider, String marker) {
            ObjectNode body = JSON.createObjectNode().put("model", provider.route);
            if (this == MESSAGES) {
                body.put("max_tokens", 4096);
            }
            body.putArray("messages").addObject().put("role", "user").put("content", "wire check " + marker);
            return body;
        }

        /** The client's credentials, as its SDKs send them. */
        String[] auth() {
            return this == CHAT
                    ? new String[] {"Authorization", "Bearer " + CaracalTestSupport.ADMIN_KEY}
                    : new String[] {"x-api-key", CaracalTestSupport.ADMIN_KEY};
        }

        /** The error's message and param (null when the envelope has none) if {@code body} is this ingress's. */
        String[] error(JsonNode body) {
            JsonNode error = body.path("error");
            if (this == MESSAGES && !body.path("type").asText().equals("error")) {
                return null;
            }
            if (!error.path("message").isTextual()) {
                return null;
            }
            return new String[] {
                error.path("message").asText(),
                error.path("param").isTextual() ? error.path("param").asText() : null
            };
        }
    }

    /**
     * What a call came to: the field carried (a 200, the field or its translation upstream), refused (a 400 naming
     * it, nothing sent upstream), or changed (a 200, but the upstream body does not hold what the sample expects:
     * the field dropped, or sent otherwise; only ever observed, in {@link #KNOWN_DISCREPANCIES}, since the document
     * never promises it).
     */
    enum Outcome {
        CARRIED,
        REFUSED,
        CHANGED
    }

    /** One check of an upstream body: the JSON at {@code pointer} is {@code expected}, or absent when null. */
    record Wire(String pointer, String expected) {}

    /** One value (or shape) of one documented field, sent alone beside the ingress's minimal request. */
    static final class Sample {
        final String field;
        String label;
        /** Members (a top-level name, or a JSON pointer into the request) and their JSON, in order. */
        final Map<String, String> members = new LinkedHashMap<>();
        /** Words of a provider cell that make this sample a case the cell refuses. */
        final List<String> refusedWhere = new ArrayList<>();

        final Map<Provider, List<Wire>> wire = new EnumMap<>(Provider.class);
        final Map<String, String> headers = new LinkedHashMap<>();
        /** Header (lower-case) the provider must send upstream, to a text its value must contain. */
        final Map<Provider, Map<String, String>> upstreamHeaders = new EnumMap<>(Provider.class);

        String answerContains;

        Sample(String field, String json) {
            this.field = field;
            if (json != null) {
                members.put(field, json);
                label = json;
            } else {
                label = "as in the minimal request";
            }
        }

        /** The same member in the request as well (or a JSON pointer into it, such as {@code /messages/0/name}). */
        Sample with(String memberOrPointer, String json) {
            members.put(memberOrPointer, json);
            label = label + " with " + memberOrPointer;
            return this;
        }

        Sample as(String label) {
            this.label = label;
            return this;
        }

        /** A provider whose (resolved) cell contains one of {@code phrases} refuses this sample. */
        Sample refusedWhere(String... phrases) {
            refusedWhere.addAll(List.of(phrases));
            return this;
        }

        /** {@code provider}'s upstream body has {@code json} at {@code pointer}. */
        Sample sends(Provider provider, String pointer, String json) {
            wire.computeIfAbsent(provider, p -> new ArrayList<>()).add(new Wire(pointer, json));
            return this;
        }

        Sample sendsAll(String pointer, String json) {
            for (Provider p : Provider.values()) {
                sends(p, pointer, json);
            }
            return this;
        }

        /** {@code provider}'s upstream body has nothing at {@code pointer}. */
        Sample omits(Provider provider, String pointer) {
            return sends(provider, pointer, null);
        }

        /** The field verbatim in {@code provider}'s upstream body (a same-format extra). */
        Sample verbatim(Provider provider) {
            return sends(provider, "/" + field, members.get(field));
        }

        Sample header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Sample sendsHeader(Provider provider, String name, String containing) {
            upstreamHeaders
                    .computeIfAbsent(provider, p -> new LinkedHashMap<>())
                    .put(name.toLowerCase(Locale.ROOT), containing);
            return this;
        }

        Sample answers(String text) {
            answerContains = text;
            return this;
        }
    }

    /** A documented field's sample value. */
    static Sample field(String field, String json) {
        return new Sample(field, json);
    }

    /** A documented field that every minimal request already sends ({@code model}). */
    static Sample asSent(String field) {
        return new Sample(field, null);
    }

    private static final Provider OPENAI = Provider.OPENAI;
    private static final Provider ANTHROPIC = Provider.ANTHROPIC;
    private static final Provider OLLAMA = Provider.OLLAMA;

    private static final String PARAMS = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";
    private static final String OPENAI_TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"Weather of a city\",\"parameters\":" + PARAMS + ",\"strict\":true}}";
    private static final String OPENAI_TOOLS = "[" + OPENAI_TOOL + ",{\"type\":\"function\",\"function\":{\"name\":"
            + "\"get_time\",\"parameters\":" + PARAMS + "}}]";
    private static final String ANTHROPIC_TOOL = "{\"name\":\"get_weather\",\"description\":\"Weather of a city\","
            + "\"input_schema\":" + PARAMS + ",\"strict\":true}";
    private static final String ANTHROPIC_TOOLS =
            "[" + ANTHROPIC_TOOL + ",{\"name\":\"get_time\",\"input_schema\":" + PARAMS + "}]";
    private static final String EPHEMERAL = "{\"type\":\"ephemeral\"}";
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";
    /** Anthropic's structured output as OpenAI's: a strict json_schema named {@code response}. */
    private static final String NAMED_RESPONSE = "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"response\","
            + "\"schema\":" + SCHEMA + ",\"strict\":true}}";

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /**
     * The wire samples, by ingress: one line per sample, the documented field first. A row added to the document is
     * one line here (its value, which cells refuse it, what each provider sends for it).
     */
    static final Map<Ingress, List<Sample>> SAMPLES = new EnumMap<>(Ingress.class);

    static {
        SAMPLES.put(
                Ingress.CHAT,
                List.of(
                        asSent("model")
                                .sends(OPENAI, "/model", "\"gpt-4o-mini\"")
                                .sends(ANTHROPIC, "/model", "\"claude-3-5-haiku-latest\"")
                                .sends(OLLAMA, "/model", "\"llama3.2\""),
                        field(
                                        "messages",
                                        "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\","
                                                + "\"content\":\"wire check @MARKER@\"},{\"role\":\"assistant\","
                                                + "\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":"
                                                + "\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                                                + "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},{\"role\":\"tool\","
                                                + "\"tool_call_id\":\"call_1\",\"content\":\"18C\"}]")
                                .as("system, user, tool call and tool result")
                                .sends(OPENAI, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}")
                                .sends(OPENAI, "/messages/2/tool_calls/0/id", "\"call_1\"")
                                .sends(
                                        OPENAI,
                                        "/messages/3",
                                        "{\"role\":\"tool\",\"tool_call_id\":\"call_1\"," + "\"content\":\"18C\"}")
                                .sends(ANTHROPIC, "/system", "\"Be brief.\"")
                                .sends(ANTHROPIC, "/messages/1/content/0/type", "\"tool_use\"")
                                .sends(
                                        ANTHROPIC,
                                        "/messages/2/content/0",
                                        "{\"type\":\"tool_result\","
                                                + "\"tool_use_id\":\"call_1\",\"content\":\"18C\"}")
                                .sends(OLLAMA, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}")
                                .sends(OLLAMA, "/messages/2/tool_calls/0/function/arguments", "{\"city\":\"Paris\"}")
                                .sends(OLLAMA, "/messages/3/role", "\"tool\"")
                                .sends(OLLAMA, "/messages/3/tool_name", "\"get_weather\""),
                        field(
                                        "messages",
                                        "[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"role\":"
                                                + "\"user\",\"content\":\"wire check @MARKER@\"}]")
                                .as("a developer message")
                                .sends(OPENAI, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}")
                                .sends(ANTHROPIC, "/system", "\"Be brief.\"")
                                .sends(OLLAMA, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}"),
                        field(
                                        "messages",
                                        "[{\"role\":\"user\",\"content\":\"wire check @MARKER@\"},{\"role\":"
                                                + "\"assistant\",\"content\":\"Hello.\"},{\"role\":\"system\","
                                                + "\"content\":\"Answer in French.\"},{\"role\":\"user\","
                                                + "\"content\":\"Again.\"}]")
                                .as("a system message in mid-conversation")
                                .sends(
                                        OPENAI,
                                        "/messages/0",
                                        "{\"role\":\"system\",\"content\":" + "\"Answer in French.\"}")
                                .sends(ANTHROPIC, "/system", "\"Answer in French.\"")
                                .sends(
                                        OLLAMA,
                                        "/messages/0",
                                        "{\"role\":\"system\",\"content\":" + "\"Answer in French.\"}"),
                        field("tools", "[" + OPENAI_TOOL + "]")
                                .sends(OPENAI, "/tools/0", OPENAI_TOOL)
                                .sends(ANTHROPIC, "/tools/0/input_schema", PARAMS)
                                .sends(ANTHROPIC, "/tools/0/strict", "true")
                                .sends(OLLAMA, "/tools/0/function/parameters", PARAMS)
                                .omits(OLLAMA, "/tools/0/function/strict"),
                        asSent("messages[].content[].cache_control")
                                .with(
                                        "messages",
                                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                                                + "\"wire check @MARKER@\",\"cache_control\":" + EPHEMERAL + "}]}]")
                                .as("on a user's text part")
                                .sends(ANTHROPIC, "/messages/0/content/0/cache_control", EPHEMERAL)
                                .sends(OPENAI, "/messages/0/content", "\"wire check @MARKER@\"")
                                .sends(OLLAMA, "/messages/0/content", "\"wire check @MARKER@\""),
                        asSent("tools[].cache_control")
                                .with(
                                        "tools",
                                        "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                                                + "\"parameters\":" + PARAMS + "},\"cache_control\":" + EPHEMERAL
                                                + "}]")
                                .as("beside a tool's function")
                                .sends(ANTHROPIC, "/tools/0/cache_control", EPHEMERAL)
                                .omits(OPENAI, "/tools/0/cache_control")
                                .omits(OLLAMA, "/tools/0/cache_control"),
                        field("tool_choice", "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}")
                                .with("tools", OPENAI_TOOLS)
                                .sends(
                                        OPENAI,
                                        "/tool_choice",
                                        "{\"type\":\"function\",\"function\":{\"name\":" + "\"get_time\"}}")
                                .sends(ANTHROPIC, "/tool_choice", "{\"type\":\"tool\",\"name\":\"get_time\"}")
                                .sends(OLLAMA, "/tools/0/function/name", "\"get_time\"")
                                .omits(OLLAMA, "/tools/1"),
                        field("tool_choice", "\"none\"")
                                .with("tools", OPENAI_TOOLS)
                                .sends(OPENAI, "/tool_choice", "\"none\"")
                                .sends(ANTHROPIC, "/tool_choice", "{\"type\":\"none\"}")
                                .omits(OLLAMA, "/tools"),
                        field("tool_choice", "\"required\"")
                                .with("tools", OPENAI_TOOLS)
                                .sends(OPENAI, "/tool_choice", "\"required\"")
                                .sends(ANTHROPIC, "/tool_choice", "{\"type\":\"any\"}")
                                .sends(OLLAMA, "/tools/1/function/name", "\"get_time\""),
                        field("parallel_tool_calls", "false")
                                .with("tools", OPENAI_TOOLS)
                                .sends(OPENAI, "/parallel_tool_calls", "false")
                                .sends(
                                        ANTHROPIC,
                                        "/tool_choice",
                                        "{\"type\":\"auto\"," + "\"disable_parallel_tool_use\":true}")
                                .omits(OLLAMA, "/parallel_tool_calls"),
                        field("parallel_tool_calls", "false")
                                .as("false, without tools")
                                .omits(OPENAI, "/parallel_tool_calls")
                                .omits(ANTHROPIC, "/tool_choice")
                                .omits(OLLAMA, "/parallel_tool_calls"),
                        field("tool_choice", "\"none\"")
                                .as("none, without tools")
                                .omits(OPENAI, "/tool_choice")
                                .omits(ANTHROPIC, "/tool_choice")
                                .omits(OLLAMA, "/tools"),
                        field("temperature", "0.25")
                                .sends(OPENAI, "/temperature", "0.25")
                                .sends(ANTHROPIC, "/temperature", "0.25")
                                .sends(OLLAMA, "/options/temperature", "0.25"),
                        field("top_p", "0.5")
                                .sends(OPENAI, "/top_p", "0.5")
                                .sends(ANTHROPIC, "/top_p", "0.5")
                                .sends(OLLAMA, "/options/top_p", "0.5"),
                        field("presence_penalty", "0.5")
                                .sends(OPENAI, "/presence_penalty", "0.5")
                                .sends(OLLAMA, "/options/presence_penalty", "0.5"),
                        field("frequency_penalty", "0.5")
                                .sends(OPENAI, "/frequency_penalty", "0.5")
                                .sends(OLLAMA, "/options/frequency_penalty", "0.5"),
                        field("seed", "42").sends(OPENAI, "/seed", "42").sends(OLLAMA, "/options/seed", "42"),
                        field("seed", "42")
                                .with("stream", "true")
                                .as("42, streamed")
                                .sends(OPENAI, "/seed", "42")
                                .sends(OLLAMA, "/options/seed", "42"),
                        field("max_completion_tokens", "77")
                                .sends(OPENAI, "/max_completion_tokens", "77") // the configured maxTokensField
                                .sends(ANTHROPIC, "/max_tokens", "77")
                                .sends(OLLAMA, "/options/num_predict", "77"),
                        field("max_tokens", "66")
                                .sends(OPENAI, "/max_completion_tokens", "66")
                                .omits(OPENAI, "/max_tokens")
                                .sends(ANTHROPIC, "/max_tokens", "66")
                                .sends(OLLAMA, "/options/num_predict", "66"),
                        field("stop", "[\"END\"]")
                                .sends(OPENAI, "/stop", "[\"END\"]")
                                .sends(ANTHROPIC, "/stop_sequences", "[\"END\"]")
                                .sends(OLLAMA, "/options/stop", "[\"END\"]"),
                        field("stop", "\"END\"")
                                .as("a string")
                                .sends(OPENAI, "/stop", "[\"END\"]") // the same stop, as OpenAI's array form
                                .sends(ANTHROPIC, "/stop_sequences", "[\"END\"]")
                                .sends(OLLAMA, "/options/stop", "[\"END\"]"),
                        field("stream", "true").sendsAll("/stream", "true").answers("data:"),
                        field("stream_options", "{\"include_usage\":true}")
                                .with("stream", "true")
                                .sends(OPENAI, "/stream_options/include_usage", "true")
                                .sends(ANTHROPIC, "/stream", "true")
                                .sends(OLLAMA, "/stream", "true")
                                .answers("\"usage\""),
                        field("stream_options", "{\"include_usage\":false}")
                                .with("stream", "true")
                                .sends(OPENAI, "/stream_options/include_usage", "true") // always asked
                                .sends(ANTHROPIC, "/stream", "true")
                                .sends(OLLAMA, "/stream", "true")
                                .answers("data:"),
                        field("reasoning_effort", "\"low\"")
                                .sends(OPENAI, "/reasoning_effort", "\"low\"")
                                .sends(ANTHROPIC, "/thinking", "{\"type\":\"enabled\",\"budget_tokens\":2048}")
                                .sends(OLLAMA, "/think", "\"low\""),
                        field("reasoning_effort", "\"minimal\"")
                                .sends(OPENAI, "/reasoning_effort", "\"minimal\"")
                                .sends(ANTHROPIC, "/thinking", "{\"type\":\"enabled\",\"budget_tokens\":1024}")
                                .sends(OLLAMA, "/think", "\"low\""),
                        field("reasoning_effort", "\"none\"")
                                .sends(OPENAI, "/reasoning_effort", "\"none\"")
                                .sends(ANTHROPIC, "/thinking", "{\"type\":\"disabled\"}")
                                .sends(OLLAMA, "/think", "false"),
                        field(
                                        "response_format",
                                        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"forecast\","
                                                + "\"schema\":" + SCHEMA + ",\"strict\":true}}")
                                .sends(
                                        OPENAI,
                                        "/response_format",
                                        "{\"type\":\"json_schema\",\"json_schema\":"
                                                + "{\"name\":\"forecast\",\"schema\":" + SCHEMA + ",\"strict\":true}}")
                                .sends(ANTHROPIC, "/tools/0/name", "\"forecast\"")
                                .sends(ANTHROPIC, "/tools/0/input_schema", SCHEMA)
                                .sends(ANTHROPIC, "/tool_choice", "{\"type\":\"tool\",\"name\":\"forecast\"}")
                                .sends(OLLAMA, "/format", SCHEMA),
                        field("response_format", "{\"type\":\"text\"}")
                                .omits(OPENAI, "/response_format")
                                .omits(ANTHROPIC, "/tool_choice")
                                .omits(OLLAMA, "/format"),
                        field("response_format", "{\"type\":\"json_object\"}")
                                .sends(OPENAI, "/response_format", "{\"type\":\"json_object\"}")
                                .sends(ANTHROPIC, "/tool_choice", "{\"type\":\"tool\",\"name\":\"json_object\"}")
                                .sends(OLLAMA, "/format", "\"json\""),
                        field("response_format", "{\"type\":\"json_object\"}")
                                .with("tools", OPENAI_TOOLS)
                                .refusedWhere("refused beside tools")
                                .sends(OPENAI, "/response_format", "{\"type\":\"json_object\"}")
                                .sends(OPENAI, "/tools/1/function/name", "\"get_time\"")
                                .sends(OLLAMA, "/format", "\"json\""),
                        field("response_format", "{\"type\":\"json_object\"}")
                                .with("reasoning_effort", "\"low\"")
                                .refusedWhere("with thinking")
                                .sends(OPENAI, "/response_format", "{\"type\":\"json_object\"}")
                                .sends(OPENAI, "/reasoning_effort", "\"low\"")
                                .sends(OLLAMA, "/format", "\"json\"")
                                .sends(OLLAMA, "/think", "\"low\""),
                        field("user", "\"u-42\"")
                                .sends(OPENAI, "/user", "\"u-42\"")
                                .sends(ANTHROPIC, "/metadata", "{\"user_id\":\"u-42\"}")
                                .omits(OLLAMA, "/user")
                                .omits(OLLAMA, "/metadata"),
                        field("n", "1").sendsAll("/n", null),
                        field("n", "2").refusedWhere("other values refused", "only 1"),
                        field("logprobs", "false").sendsAll("/logprobs", null),
                        field("logprobs", "true").refusedWhere("`true` refused"),
                        field("top_logprobs", "2"),
                        field("logit_bias", "{}").sendsAll("/logit_bias", null),
                        field("logit_bias", "{\"50256\":-100}").refusedWhere("a bias refused"),
                        field("modalities", "[\"text\"]").sendsAll("/modalities", null),
                        field("modalities", "[\"text\",\"audio\"]").refusedWhere("others refused"),
                        field("audio", "{\"voice\":\"alloy\",\"format\":\"wav\"}"),
                        field("functions", "[{\"name\":\"get_weather\",\"parameters\":" + PARAMS + "}]"),
                        field("function_call", "\"auto\""),
                        field("web_search_options", "{}"),
                        field("store", "true").verbatim(OPENAI),
                        field("store", "true")
                                .with("stream", "true")
                                .as("true, streamed")
                                .verbatim(OPENAI),
                        field("metadata", "{\"purpose\":\"wire\"}").verbatim(OPENAI),
                        field("service_tier", "\"flex\"").verbatim(OPENAI),
                        field("prediction", "{\"type\":\"content\",\"content\":\"Paris\"}")
                                .verbatim(OPENAI),
                        field("prompt_cache_key", "\"k-1\"").verbatim(OPENAI),
                        field("safety_identifier", "\"s-1\"").verbatim(OPENAI),
                        field("verbosity", "\"low\"").verbatim(OPENAI)));

        SAMPLES.put(
                Ingress.MESSAGES,
                List.of(
                        asSent("model")
                                .sends(OPENAI, "/model", "\"gpt-4o-mini\"")
                                .sends(ANTHROPIC, "/model", "\"claude-3-5-haiku-latest\"")
                                .sends(OLLAMA, "/model", "\"llama3.2\""),
                        field(
                                        "messages",
                                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                                                + "\"wire check @MARKER@\"}]},{\"role\":\"assistant\",\"content\":"
                                                + "[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\","
                                                + "\"input\":{\"city\":\"Paris\"}}]},{\"role\":\"user\",\"content\":"
                                                + "[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                                                + "\"content\":\"18C\"}]}]")
                                .as("text, tool use and tool result blocks")
                                .sends(
                                        ANTHROPIC,
                                        "/messages/1/content/0",
                                        "{\"type\":\"tool_use\",\"id\":"
                                                + "\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}")
                                .sends(
                                        ANTHROPIC,
                                        "/messages/2/content/0",
                                        "{\"type\":\"tool_result\","
                                                + "\"tool_use_id\":\"toolu_1\",\"content\":\"18C\"}")
                                .sends(OPENAI, "/messages/1/tool_calls/0/function/name", "\"get_weather\"")
                                .sends(
                                        OPENAI,
                                        "/messages/2",
                                        "{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\"," + "\"content\":\"18C\"}")
                                .sends(OLLAMA, "/messages/1/tool_calls/0/function/name", "\"get_weather\"")
                                .sends(OLLAMA, "/messages/2/role", "\"tool\"")
                                .sends(OLLAMA, "/messages/2/tool_name", "\"get_weather\""),
                        field("system", "\"Be brief.\"")
                                .sends(ANTHROPIC, "/system", "\"Be brief.\"")
                                .sends(OPENAI, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}")
                                .sends(OLLAMA, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}"),
                        field(
                                        "system",
                                        "[{\"type\":\"text\",\"text\":\"Be brief.\"},{\"type\":\"text\","
                                                + "\"text\":\"Be kind.\"}]")
                                .sends(ANTHROPIC, "/system", "\"Be brief.\\n\\nBe kind.\"")
                                .sends(OPENAI, "/messages/0/content", "\"Be brief.\\n\\nBe kind.\"")
                                .sends(OLLAMA, "/messages/0/content", "\"Be brief.\\n\\nBe kind.\""),
                        field("max_tokens", "77")
                                .sends(ANTHROPIC, "/max_tokens", "77")
                                .sends(OPENAI, "/max_completion_tokens", "77") // the configured maxTokensField
                                .sends(OLLAMA, "/options/num_predict", "77"),
                        field("tools", "[" + ANTHROPIC_TOOL + "]")
                                .sends(ANTHROPIC, "/tools/0", ANTHROPIC_TOOL)
                                .sends(OPENAI, "/tools/0", OPENAI_TOOL)
                                .sends(OLLAMA, "/tools/0/type", "\"function\"")
                                .sends(OLLAMA, "/tools/0/function/parameters", PARAMS)
                                .omits(OLLAMA, "/tools/0/function/strict"),
                        asSent("system[].cache_control")
                                .with(
                                        "system",
                                        "[{\"type\":\"text\",\"text\":\"Be brief.\",\"cache_control\":" + EPHEMERAL
                                                + "}]")
                                .as("on a system block")
                                .sends(ANTHROPIC, "/system/0/cache_control", EPHEMERAL)
                                .sends(OPENAI, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}")
                                .sends(OLLAMA, "/messages/0", "{\"role\":\"system\",\"content\":\"Be brief.\"}"),
                        asSent("messages[].content[].cache_control")
                                .with(
                                        "messages",
                                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                                                + "\"wire check @MARKER@\",\"cache_control\":" + EPHEMERAL + "}]}]")
                                .as("on a user's text block")
                                .sends(ANTHROPIC, "/messages/0/content/0/cache_control", EPHEMERAL)
                                .sends(OPENAI, "/messages/0/content", "\"wire check @MARKER@\"")
                                .sends(OLLAMA, "/messages/0/content", "\"wire check @MARKER@\""),
                        asSent("tools[].cache_control")
                                .with(
                                        "tools",
                                        "[{\"name\":\"get_weather\",\"input_schema\":" + PARAMS + ",\"cache_control\":"
                                                + EPHEMERAL + "}]")
                                .as("on a tool")
                                .sends(ANTHROPIC, "/tools/0/cache_control", EPHEMERAL)
                                .omits(OPENAI, "/tools/0/cache_control")
                                .omits(OLLAMA, "/tools/0/cache_control"),
                        field(
                                        "tool_choice",
                                        "{\"type\":\"tool\",\"name\":\"get_time\","
                                                + "\"disable_parallel_tool_use\":true}")
                                .with("tools", ANTHROPIC_TOOLS)
                                .sends(
                                        ANTHROPIC,
                                        "/tool_choice",
                                        "{\"type\":\"tool\",\"name\":\"get_time\","
                                                + "\"disable_parallel_tool_use\":true}")
                                .sends(
                                        OPENAI,
                                        "/tool_choice",
                                        "{\"type\":\"function\",\"function\":{\"name\":" + "\"get_time\"}}")
                                .sends(OPENAI, "/parallel_tool_calls", "false")
                                .sends(OLLAMA, "/tools/0/function/name", "\"get_time\"")
                                .omits(OLLAMA, "/tools/1"),
                        field("tool_choice", "{\"type\":\"auto\",\"disable_parallel_tool_use\":true}")
                                .with("tools", ANTHROPIC_TOOLS)
                                .sends(
                                        ANTHROPIC,
                                        "/tool_choice",
                                        "{\"type\":\"auto\",\"disable_parallel_tool_use\":true}")
                                .sends(OPENAI, "/tool_choice", "\"auto\"")
                                .sends(OPENAI, "/parallel_tool_calls", "false")
                                .sends(OLLAMA, "/tools/1/function/name", "\"get_time\""),
                        field("tool_choice", "{\"type\":\"none\"}")
                                .with("tools", ANTHROPIC_TOOLS)
                                .sends(ANTHROPIC, "/tool_choice", "{\"type\":\"none\"}")
                                .sends(OPENAI, "/tool_choice", "\"none\"")
                                .omits(OLLAMA, "/tools"),
                        field("temperature", "0.25")
                                .sends(ANTHROPIC, "/temperature", "0.25")
                                .sends(OPENAI, "/temperature", "0.25")
                                .sends(OLLAMA, "/options/temperature", "0.25"),
                        field("top_p", "0.5")
                                .sends(ANTHROPIC, "/top_p", "0.5")
                                .sends(OPENAI, "/top_p", "0.5")
                                .sends(OLLAMA, "/options/top_p", "0.5"),
                        field("top_k", "7")
                                .sends(ANTHROPIC, "/top_k", "7")
                                .sends(OPENAI, "/top_k", "7")
                                .sends(OLLAMA, "/options/top_k", "7"),
                        field("stop_sequences", "[\"END\"]")
                                .sends(ANTHROPIC, "/stop_sequences", "[\"END\"]")
                                .sends(OPENAI, "/stop", "[\"END\"]")
                                .sends(OLLAMA, "/options/stop", "[\"END\"]"),
                        field("stream", "true").sendsAll("/stream", "true").answers("event: message_stop"),
                        field("metadata", "{\"user_id\":\"u-42\"}")
                                .sends(ANTHROPIC, "/metadata", "{\"user_id\":\"u-42\"}")
                                .sends(OPENAI, "/user", "\"u-42\"")
                                .omits(OLLAMA, "/user")
                                .omits(OLLAMA, "/metadata"),
                        field("metadata", "{\"user_id\":\"u-42\",\"purpose\":\"wire\"}")
                                .as("user_id and another key")
                                .refusedWhere("other keys refused")
                                .sends(OPENAI, "/user", "\"u-42\"")
                                .omits(OLLAMA, "/metadata"),
                        field("thinking", "{\"type\":\"enabled\",\"budget_tokens\":2048}")
                                .sends(ANTHROPIC, "/thinking", "{\"type\":\"enabled\",\"budget_tokens\":2048}")
                                .sends(OPENAI, "/reasoning_effort", "\"low\"")
                                .sends(OLLAMA, "/think", "true"),
                        field("thinking", "{\"type\":\"disabled\"}")
                                .sends(ANTHROPIC, "/thinking", "{\"type\":\"disabled\"}")
                                .sends(OPENAI, "/reasoning_effort", "\"none\"")
                                .sends(OLLAMA, "/think", "false"),
                        field("service_tier", "\"auto\"").verbatim(ANTHROPIC),
                        field("service_tier", "\"auto\"")
                                .with("stream", "true")
                                .as("auto, streamed")
                                .verbatim(ANTHROPIC),
                        field("container", "\"container_1\"").verbatim(ANTHROPIC),
                        field(
                                        "mcp_servers",
                                        "[{\"type\":\"url\",\"url\":\"https://mcp.example.com/sse\","
                                                + "\"name\":\"example\"}]")
                                .header("anthropic-beta", "mcp-client-2025-04-04")
                                .verbatim(ANTHROPIC)
                                .sendsHeader(ANTHROPIC, "anthropic-beta", "mcp-client-2025-04-04"),
                        field("context_management", "{\"edits\":[{\"type\":\"clear_tool_uses_20250919\"}]}")
                                .verbatim(ANTHROPIC),
                        field("cache_control", "{\"type\":\"ephemeral\"}").verbatim(ANTHROPIC),
                        field("output_config", "{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}")
                                .verbatim(ANTHROPIC)
                                .omits(ANTHROPIC, "/tool_choice")
                                .sends(OPENAI, "/response_format", NAMED_RESPONSE)
                                .sends(OLLAMA, "/format", SCHEMA),
                        field(
                                        "output_config",
                                        "{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA
                                                + "},\"effort\":\"low\"}")
                                .as("format and effort")
                                .refusedWhere("with other members")
                                .verbatim(ANTHROPIC),
                        field("output_format", "{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}")
                                .verbatim(ANTHROPIC)
                                .omits(ANTHROPIC, "/tool_choice")
                                .sends(OPENAI, "/response_format", NAMED_RESPONSE)
                                .sends(OLLAMA, "/format", SCHEMA),
                        field("inference_geo", "\"us\"").verbatim(ANTHROPIC)));
    }

    /** A place where the gateway does not do what the document says, as observed; listed until one of them moves. */
    record Known(Ingress ingress, String field, String sample, Provider provider, Outcome observed, String why) {}

    static final List<Known> KNOWN_DISCREPANCIES = List.of();

    /**
     * The headers the "Headers" section says the providers forward by default, each with the value the client sends;
     * {@link #expectedHeaders} says what each provider sends upstream for them and for the client's credentials.
     */
    static final Map<String, String> HEADERS = new LinkedHashMap<>();

    static {
        HEADERS.put("anthropic-beta", "client-beta-2025-01-01");
        HEADERS.put("anthropic-version", "2023-01-01");
        HEADERS.put("OpenAI-Beta", "assistants=v2");
        HEADERS.put("Idempotency-Key", "idem-7f3a");
        HEADERS.put("traceparent", TRACEPARENT);
        HEADERS.put("tracestate", "caracal=wire");
    }

    /** The configured Anthropic beta the client's anthropic-beta joins. */
    private static final String CONFIGURED_BETA = "configured-beta-2024-01-01";

    /** Header (lower-case) to the value {@code provider} must send upstream, or null for a header it must not send. */
    static Map<String, String> expectedHeaders(Provider provider) {
        Map<String, String> expected = new LinkedHashMap<>();
        switch (provider) {
            case OPENAI -> {
                expected.put("openai-beta", "assistants=v2");
                expected.put("idempotency-key", "idem-7f3a");
                expected.put("traceparent", TRACEPARENT);
                expected.put("tracestate", "caracal=wire");
                expected.put("anthropic-beta", null);
                expected.put("anthropic-version", null);
                expected.put("authorization", "Bearer sk-oa");
            }
            case ANTHROPIC -> {
                expected.put("anthropic-beta", CONFIGURED_BETA + ",client-beta-2025-01-01");
                expected.put("anthropic-version", "2023-01-01");
                expected.put("idempotency-key", "idem-7f3a");
                expected.put("traceparent", TRACEPARENT);
                expected.put("tracestate", "caracal=wire");
                expected.put("openai-beta", null);
                expected.put("x-api-key", "sk-an");
                expected.put("authorization", null);
            }
            case OLLAMA -> {
                // the document names no header for Ollama, and its provider has no forwardHeaders setting
                for (String name : HEADERS.keySet()) {
                    expected.put(name.toLowerCase(Locale.ROOT), null);
                }
                expected.put("authorization", null);
            }
        }
        expected.put("cookie", null);
        expected.putIfAbsent("x-api-key", null); // only Anthropic's own key goes as x-api-key
        return expected;
    }

    @TempDir
    static Path work;

    static MockUpstream upstream;
    static final Map<Provider, WireRecorder> RECORDERS = new EnumMap<>(Provider.class);
    static KarafProcess karaf;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger CALLS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        // an Anthropic provider asks for structured output by forcing a tool: the upstream calls it
        upstream = MockUpstream.builder()
                .fixtures(List.of(
                        Fixture.whenToolOffered("forecast").toolCall("toolu_forecast", "forecast", "{\"city\":\"P\"}"),
                        Fixture.whenToolOffered("json_object")
                                .toolCall("toolu_json", "json_object", "{\"city\":\"P\"}"),
                        Fixture.always().reply("{\"city\":\"Paris\"}").usage(5, 4)))
                .start();
        for (Provider p : Provider.values()) {
            RECORDERS.put(p, new WireRecorder(upstream.baseUrl()));
        }
        karaf = new KarafProcess(work);
        karaf.addBootFeatures("caracal-llm-openai", "caracal-llm-anthropic", "caracal-llm-ollama");
        karaf.writeEtc(
                "dev.caracal.llm.openai-oa.cfg",
                "id = oa\nbaseUrl = " + RECORDERS.get(OPENAI).baseUrl() + "/v1\napiKey = sk-oa\nmodels = "
                        + OPENAI.model + "\nmaxTokensField = max_completion_tokens\nmaxRetries = 0\n");
        karaf.writeEtc(
                "dev.caracal.llm.anthropic-an.cfg",
                "id = an\nbaseUrl = " + RECORDERS.get(ANTHROPIC).baseUrl() + "\napiKey = sk-an\nmodels = "
                        + ANTHROPIC.model + "\nbetas = " + CONFIGURED_BETA + "\nmaxRetries = 0\n");
        karaf.writeEtc(
                "dev.caracal.llm.ollama-ol.cfg",
                "id = ol\nbaseUrl = " + RECORDERS.get(OLLAMA).baseUrl() + "\nmodels = " + OLLAMA.model
                        + "\nmaxRetries = 0\n");
        for (Provider p : Provider.values()) {
            karaf.writeEtc(
                    "dev.caracal.gateway.route-" + p.route + ".cfg",
                    "name = " + p.route + "\ntargets = " + p.id + "/" + p.model + "\n");
        }
        // hundreds of refusals must not open a breaker
        karaf.writeEtc("dev.caracal.gateway.cfg", "failureThreshold = 100000\n");
        karaf.start();
        for (Provider p : Provider.values()) {
            karaf.awaitModel(p.route);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf);
        KarafProcess.closeAll(RECORDERS.values().toArray(new AutoCloseable[0]));
        KarafProcess.closeAll(upstream);
    }

    @Test
    void everyDocumentedChatCompletionsFieldIsCarriedOrRefusedOnTheWire() throws Exception {
        check(Ingress.CHAT);
    }

    @Test
    void everyDocumentedMessagesFieldIsCarriedOrRefusedOnTheWire() throws Exception {
        check(Ingress.MESSAGES);
    }

    /** What one call through {@code ingress} answered. */
    record Answer(int status, String body, String marker) {}

    private static Answer call(Ingress ingress, Provider provider, Sample sample) throws Exception {
        String marker = String.format(Locale.ROOT, "w%05dq", CALLS.incrementAndGet());
        ObjectNode body = ingress.base(provider, marker);
        for (Map.Entry<String, String> m : sample.members.entrySet()) {
            JsonNode value = JSON.readTree(m.getValue().replace(MARKER, marker));
            if (m.getKey().startsWith("/")) {
                setAt(body, m.getKey(), value);
            } else {
                body.set(m.getKey(), value);
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + karaf.httpPort + ingress.path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        String[] auth = ingress.auth();
        request.header(auth[0], auth[1]);
        sample.headers.forEach(request::header);
        HttpResponse<String> response =
                HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body(), marker);
    }

    /** Sets {@code value} at a JSON pointer of {@code root} whose parent exists. */
    private static void setAt(ObjectNode root, String pointer, JsonNode value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = slash == 0 ? root : root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        } else {
            throw new AssertionError("no object or array at the parent of " + pointer);
        }
    }

    /** The expected outcome of {@code sample} for a provider whose (resolved) cell is {@code cell}. */
    static Outcome documented(Sample sample, String cell) {
        String lower = cell.toLowerCase(Locale.ROOT);
        if (lower.startsWith("refused")) {
            return Outcome.REFUSED;
        }
        for (String phrase : sample.refusedWhere) {
            if (cell.contains(phrase)) {
                return Outcome.REFUSED;
            }
        }
        return Outcome.CARRIED;
    }

    private static void check(Ingress ingress) throws Exception {
        List<FieldsDoc.Row> rows = FieldsDoc.rows(ingress.heading);
        List<Sample> samples = SAMPLES.get(ingress);
        List<String> problems = new ArrayList<>();
        List<String> discrepancies = new ArrayList<>();
        Set<Known> met = new java.util.HashSet<>();

        Set<String> documented = new LinkedHashSet<>();
        rows.forEach(r -> documented.add(r.field()));
        Set<String> sampled = samples.stream().map(s -> s.field).collect(Collectors.toCollection(TreeSet::new));
        for (String field : documented) {
            if (!sampled.contains(field)) {
                problems.add(field + ": documented, but has no wire sample in SAMPLES (add one line for it)");
            }
        }
        for (String field : sampled) {
            if (!documented.contains(field)) {
                problems.add(field + ": a wire sample of a field the document does not list under " + ingress.heading);
            }
        }

        int calls = 0;
        for (FieldsDoc.Row row : rows) {
            for (String column : row.providers().keySet()) {
                if (Provider.ofColumn(column) == null) {
                    problems.add(row.field() + ": the document's provider column '" + column
                            + "' has no provider in this test");
                }
            }
            for (Sample sample : samples) {
                if (!sample.field.equals(row.field())) {
                    continue;
                }
                String what = ingress.path + " " + row.field() + " = " + sample.label;
                boolean someCellRefusesIt = false;
                for (Map.Entry<String, String> cell : row.providers().entrySet()) {
                    Provider provider = Provider.ofColumn(cell.getKey());
                    if (provider == null) {
                        continue;
                    }
                    Outcome expected = documented(sample, cell.getValue());
                    someCellRefusesIt |= sample.refusedWhere.stream().anyMatch(cell.getValue()::contains);
                    Known known = KNOWN_DISCREPANCIES.stream()
                            .filter(k -> k.ingress() == ingress
                                    && k.field().equals(row.field())
                                    && k.sample().equals(sample.label)
                                    && k.provider() == provider)
                            .findFirst()
                            .orElse(null);
                    if (known != null) {
                        met.add(known);
                    }
                    if (expected == Outcome.CARRIED && known == null && !sample.wire.containsKey(provider)) {
                        problems.add(what + " -> " + provider + ": documented as carried ('" + cell.getValue()
                                + "') but the sample says nothing of what reaches the upstream");
                        continue;
                    }
                    Answer answer = call(ingress, provider, sample);
                    calls++;
                    String where =
                            what + " -> " + provider + " (documented: " + expected + ", '" + cell.getValue() + "')";
                    if (known != null) {
                        if (known.observed() == expected) {
                            problems.add(where + ": listed in KNOWN_DISCREPANCIES, but the document now agrees;"
                                    + " remove the entry");
                        }
                        List<String> found = new ArrayList<>();
                        verify(ingress, provider, sample, answer, known.observed(), found);
                        if (!found.isEmpty()) {
                            problems.add(
                                    where + ": the known discrepancy (" + known.why() + ") no longer holds: " + found);
                        } else {
                            discrepancies.add(where + ": observed " + known.observed() + " (" + known.why() + ")");
                        }
                        continue;
                    }
                    List<String> found = new ArrayList<>();
                    verify(ingress, provider, sample, answer, expected, found);
                    found.forEach(f -> problems.add(where + ": " + f));
                }
                if (!sample.refusedWhere.isEmpty() && !someCellRefusesIt) {
                    problems.add(
                            what + ": a refused case, but no provider cell says " + sample.refusedWhere + " any more");
                }
            }
        }
        for (Known known : KNOWN_DISCREPANCIES) {
            if (known.ingress() == ingress && !met.contains(known)) {
                problems.add("KNOWN_DISCREPANCIES names " + known.field() + " = " + known.sample() + " -> "
                        + known.provider() + ", which no documented field and sample matches");
            }
        }
        System.out.println(ingress.path + ": " + calls + " calls through the gateway, " + discrepancies.size()
                + " known discrepancies");
        discrepancies.forEach(d -> System.out.println("  known: " + d));
        if (!problems.isEmpty()) {
            fail(problems.size() + " disagreements between docs/gateway-fields.md and the wire under " + ingress.heading
                    + ":\n  " + String.join("\n  ", problems));
        }
    }

    /** Adds to {@code found} every way {@code answer} and the upstream differ from {@code outcome}. */
    private static void verify(
            Ingress ingress, Provider provider, Sample sample, Answer answer, Outcome outcome, List<String> found)
            throws Exception {
        Map<Provider, List<WireRecorder.Recorded>> sent = new EnumMap<>(Provider.class);
        RECORDERS.forEach((p, r) -> sent.put(p, r.containing(answer.marker())));
        if (outcome == Outcome.REFUSED) {
            if (answer.status() != 400) {
                found.add("expected a 400, got " + answer.status() + " " + shorten(answer.body()));
                return;
            }
            String[] error = ingress.error(JSON.readTree(answer.body()));
            if (error == null) {
                found.add("the 400 is not in the client's error envelope: " + shorten(answer.body()));
            } else if (!names(error, sample.field)) {
                found.add("the 400 does not name " + sample.field + ": " + shorten(answer.body()));
            }
            sent.forEach((p, requests) -> {
                if (!requests.isEmpty()) {
                    found.add("refused, yet " + requests.size() + " request(s) reached the " + p + " upstream");
                }
            });
            return;
        }
        if (answer.status() != 200) {
            found.add("expected a 200, got " + answer.status() + " " + shorten(answer.body()));
            return;
        }
        if (outcome == Outcome.CHANGED) {
            List<String> differences = new ArrayList<>();
            verify(ingress, provider, sample, answer, Outcome.CARRIED, differences);
            boolean reachedOnlyItsProvider =
                    sent.entrySet().stream().allMatch(e -> e.getValue().size() == (e.getKey() == provider ? 1 : 0));
            if (!reachedOnlyItsProvider) {
                found.addAll(differences); // not the change itself: the call went nowhere, twice or elsewhere
            } else if (differences.isEmpty()) {
                found.add("now carried as the sample expects");
            }
            return;
        }
        if (sample.answerContains != null && !answer.body().contains(sample.answerContains)) {
            found.add("the answer lacks " + sample.answerContains + ": " + shorten(answer.body()));
        }
        sent.forEach((p, requests) -> {
            if (p != provider && !requests.isEmpty()) {
                found.add("the call reached the " + p + " upstream too");
            }
        });
        List<WireRecorder.Recorded> requests = sent.get(provider);
        if (requests.size() != 1) {
            found.add(requests.size() + " upstream requests, expected one");
            return;
        }
        WireRecorder.Recorded recorded = requests.get(0);
        JsonNode upstreamBody = JSON.readTree(recorded.body());
        for (Wire wire : sample.wire.getOrDefault(provider, List.of())) {
            JsonNode at = upstreamBody.at(wire.pointer());
            if (wire.expected() == null) {
                if (!at.isMissingNode()) {
                    found.add("upstream has " + wire.pointer() + " = " + at + ", documented as not sent; body "
                            + shorten(recorded.body()));
                }
                continue;
            }
            JsonNode expected = JSON.readTree(wire.expected().replace(MARKER, answer.marker()));
            if (at.isMissingNode() || !at.equals(NUMERIC_EQUALITY, expected)) {
                found.add("upstream " + wire.pointer() + " is " + (at.isMissingNode() ? "absent" : at) + ", expected "
                        + expected + "; body " + shorten(recorded.body()));
            }
        }
        sample.upstreamHeaders.getOrDefault(provider, Map.of()).forEach((name, containing) -> {
            String value = recorded.headers().get(name);
            if (value == null || !value.contains(containing)) {
                found.add("upstream header " + name + " is " + value + ", expected to contain " + containing);
            }
        });
    }

    /** Numbers compare by value (0.25 sent as a float or a double, 77 as an int or a long). */
    private static final Comparator<JsonNode> NUMERIC_EQUALITY = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Whether an error's param or message names {@code field} (as the field itself or a path inside it). */
    static boolean names(String[] error, String field) {
        String param = error[1];
        if (param != null && (param.equals(field) || param.startsWith(field + ".") || param.startsWith(field + "["))) {
            return true;
        }
        return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(field) + "(?![A-Za-z0-9_])")
                .matcher(error[0])
                .find();
    }

    private static String shorten(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "...";
    }

    /**
     * The allow-list forwarding of the "Headers" section, through each ingress to each provider: the listed headers
     * reach the providers that list them with the client's values (Anthropic's betas joined to the configured one,
     * its version replacing the configured one), no other provider gets them, and the client's credentials and
     * cookies never leave: each provider sends its own key.
     */
    @Test
    void forwardedHeadersReachTheProvidersThatListThemAndCredentialsNever() throws Exception {
        String prose = FieldsDoc.section("Headers").toLowerCase(Locale.ROOT);
        for (String name : HEADERS.keySet()) {
            assertTrue(
                    prose.contains("`" + name.toLowerCase(Locale.ROOT) + "`"),
                    "the Headers section no longer names " + name + "; update HEADERS");
        }
        List<String> problems = new ArrayList<>();
        for (Ingress ingress : Ingress.values()) {
            for (Provider provider : Provider.values()) {
                Sample plain = asSent("model");
                HEADERS.forEach(plain::header);
                plain.header("Cookie", "session=client-cookie");
                Answer answer = call(ingress, provider, plain);
                String where = ingress.path + " -> " + provider;
                if (answer.status() != 200) {
                    problems.add(where + ": " + answer.status() + " " + shorten(answer.body()));
                    continue;
                }
                List<WireRecorder.Recorded> sent = RECORDERS.get(provider).containing(answer.marker());
                if (sent.size() != 1) {
                    problems.add(where + ": " + sent.size() + " upstream requests");
                    continue;
                }
                Map<String, String> headers = sent.get(0).headers();
                expectedHeaders(provider).forEach((name, value) -> {
                    String got = headers.get(name);
                    if (value == null ? got != null : !value.equals(got)) {
                        problems.add(where + ": upstream " + name + " is " + got + ", expected "
                                + (value == null ? "none" : value));
                    }
                });
                headers.forEach((name, value) -> {
                    if (value.contains(CaracalTestSupport.ADMIN_KEY)) {
                        problems.add(where + ": the client's key reached the upstream in " + name);
                    }
                });
            }
        }
        if (!problems.isEmpty()) {
            fail("headers on the wire:\n  " + String.join("\n  ", problems));
        }
    }
}
