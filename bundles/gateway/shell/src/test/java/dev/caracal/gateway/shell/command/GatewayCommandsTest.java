package dev.caracal.gateway.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failing gateway command throws Karaf's {@link CommandException} whose help is the one line the console shows, so
 * the console prints it and {@code bin/client -b} exits non-zero; nothing is printed on the way.
 */
class GatewayCommandsTest {

    /** Fails or streams as each test scripts it, and lists no models. */
    final ScriptedGateway gateway = new ScriptedGateway();

    @AfterEach
    void closeGateway() {
        gateway.close();
    }

    ChatCommand chat(String model, String prompt) {
        ChatCommand c = new ChatCommand();
        c.gateway = gateway;
        c.model = model;
        c.prompt = prompt;
        return c;
    }

    /** Runs a command that must fail; returns what the console shows for it, after asserting it printed nothing. */
    static String failure(GatewayCommandSupport command) {
        return failure(command, "");
    }

    static String failure(GatewayCommandSupport command, String expectedOut) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        CommandException thrown;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            thrown = assertThrows(CommandException.class, command::execute);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals(expectedOut, o.toString(StandardCharsets.UTF_8));
        assertEquals("", e.toString(StandardCharsets.UTF_8));
        assertEquals(thrown.getNiceHelp(), "Error: " + thrown.getMessage());
        return thrown.getNiceHelp();
    }

    @Test
    void withoutTheGatewayEveryCommandSaysWhatIsMissing() {
        ChatCommand c = chat("m", "hello");
        c.gateway = null;
        assertEquals("Error: the LLM gateway is not running (feature caracal-gateway); see caracal:status", failure(c));
        RoutesCommand routes = new RoutesCommand();
        assertEquals(
                "Error: the LLM gateway is not running (feature caracal-gateway); see caracal:status", failure(routes));
    }

    @Test
    void gatewayFailuresShowTheirKindAndKeepTheCause() {
        GatewayException notFound = new GatewayException(
                ErrorKind.NOT_FOUND, "no route or model named 'nope'", 0, null, null, false, List.of());
        gateway.failWith(notFound);
        ChatCommand c = chat("nope", "hello");
        assertEquals("Error: not_found: no route or model named 'nope'", failure(c));
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertSame(notFound, e.getCause());

        gateway.failWith(new LlmException(ErrorKind.RATE_LIMITED, "slow down"));
        assertEquals("Error: rate_limited: slow down", failure(chat("m", "hello")));
    }

    @Test
    void badInputIsAFailure() {
        ChatCommand c = chat("m", "hello");
        c.maxTokens = 0;
        assertEquals("Error: --max-tokens must be at least 1", failure(c));
        c = chat("m", "hello");
        c.reasoning = "lots";
        assertEquals(
                "Error: --reasoning takes minimal, low, medium, high or a positive token budget, not 'lots'",
                failure(c));
    }

    @Test
    void noModelIsAFailure() {
        assertEquals(
                "Error: no chat model is available; configure a provider (llm:providers)",
                failure(chat(null, "hello")));
    }

    @Test
    void withoutAModelTheFirstChatModelIsAskedNotAnEmbeddingModel() throws Exception {
        ModelInfo embedding =
                new ModelInfo("all-minilm-l6-v2", "local", new Capabilities(false, false, false, true, false, 256));
        gateway.listModels(List.of(embedding));
        assertEquals(
                "Error: no chat model is available; configure a provider (llm:providers)",
                failure(chat(null, "hello")));
        gateway.listModels(List.of(embedding, new ModelInfo("gpt-4o-mini", "openai", null)));
        gateway.answerWith(r -> ScriptedGateway.reply("hi"));
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            chat(null, "hello").execute();
        } finally {
            System.setOut(out);
        }
        assertEquals("gpt-4o-mini", gateway.lastRequest().model());
    }

    @Test
    void aStreamThatFailsEndsTheLineThenFails() throws Exception {
        gateway.streamEvents(
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.Error(new LlmException(ErrorKind.OVERLOADED, "upstream busy")));
        ChatCommand c = chat("m", "hello");
        c.stream = true;
        assertEquals("Error: overloaded: upstream busy", failure(c, "Hel" + System.lineSeparator()));
        assertTrue(gateway.streamCancelledWithin(Duration.ofSeconds(10)));
    }
}
