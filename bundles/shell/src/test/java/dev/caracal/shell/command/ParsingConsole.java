package dev.caracal.shell.command;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Parser;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.apache.karaf.shell.impl.console.SessionFactoryImpl;

/**
 * A real Karaf console session (Karaf's own line parser, quoting and comments, and its option and argument parser)
 * in which each command only reads its command line: it fills a new instance of the command's class from its
 * {@code @Option} and {@code @Argument} fields and answers that instance, without running it or needing a service.
 * A line Karaf would refuse throws the same {@code CommandException} as in the container.
 */
final class ParsingConsole implements AutoCloseable {
    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final SessionFactoryImpl factory;
    private final Session session;

    ParsingConsole(List<Class<? extends Action>> commands) {
        threadIO.start();
        factory = new SessionFactoryImpl(threadIO);
        for (Class<? extends Action> type : commands) {
            factory.getRegistry().register(new ParseOnly(type));
        }
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = factory.create(new ByteArrayInputStream(new byte[0]), sink, sink);
    }

    /** Parses {@code line} as the console would; answers the command instance it filled. */
    Action parse(String line) throws Exception {
        return (Action) session.execute(line);
    }

    @Override
    public void close() {
        session.close();
        factory.stop();
        threadIO.stop();
    }

    /** A command that only parses its arguments into a new instance of {@code type}. */
    private static final class ParseOnly implements org.apache.karaf.shell.api.console.Command {
        private final Class<? extends Action> type;
        private final org.apache.karaf.shell.api.action.Command command;

        ParseOnly(Class<? extends Action> type) {
            this.type = type;
            this.command = type.getAnnotation(org.apache.karaf.shell.api.action.Command.class);
        }

        @Override
        public String getScope() {
            return command.scope();
        }

        @Override
        public String getName() {
            return command.name();
        }

        @Override
        public String getDescription() {
            return command.description();
        }

        @Override
        public Completer getCompleter(boolean scoped) {
            return null;
        }

        @Override
        public Parser getParser() {
            return null;
        }

        @Override
        public Object execute(Session session, List<Object> arguments) throws Exception {
            // Outside OSGi, Gogo hands bare words over as its own Token type, which Karaf's converter does not take
            // (in the container, vector:search -k 3 reads 3): pass them on as the strings they spell.
            List<Object> words = new ArrayList<>();
            for (Object argument : arguments) {
                words.add(argument instanceof CharSequence ? argument.toString() : argument);
            }
            Action action = type.getDeclaredConstructor().newInstance();
            new DefaultActionPreparator().prepare(action, session, words); // false: --help, usage printed
            return action;
        }
    }
}
