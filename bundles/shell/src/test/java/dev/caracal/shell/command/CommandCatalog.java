package dev.caracal.shell.command;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;

/**
 * Caracal's console commands as Karaf finds them: every class with {@link Command} in a Caracal bundle whose manifest
 * has a {@code Karaf-Commands} header, on the test class path. Also the example command lines in their help.
 */
final class CommandCatalog {
    private static final String MANIFEST = "META-INF/MANIFEST.MF";

    final List<Class<? extends Action>> commands;

    private CommandCatalog(List<Class<? extends Action>> commands) {
        this.commands = commands;
    }

    static CommandCatalog onClassPath() throws Exception {
        List<Class<? extends Action>> found = new ArrayList<>();
        ClassLoader loader = CommandCatalog.class.getClassLoader();
        Enumeration<URL> manifests = loader.getResources(MANIFEST);
        while (manifests.hasMoreElements()) {
            URL url = manifests.nextElement();
            Manifest manifest;
            try (InputStream in = url.openStream()) {
                manifest = new Manifest(in);
            }
            String name = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (name == null
                    || !name.startsWith("dev.caracal.")
                    || manifest.getMainAttributes().getValue("Karaf-Commands") == null) {
                continue;
            }
            for (String className : classNames(url)) {
                Class<?> type = Class.forName(className, false, loader);
                if (type.isAnnotationPresent(Command.class) && Action.class.isAssignableFrom(type)) {
                    found.add(type.asSubclass(Action.class));
                }
            }
        }
        found.sort((a, b) -> a.getName().compareTo(b.getName()));
        return new CommandCatalog(Collections.unmodifiableList(found));
    }

    /** The classes of the bundle whose manifest is at {@code manifest}: a jar, or a build's classes folder. */
    private static List<String> classNames(URL manifest) throws IOException, URISyntaxException {
        List<String> names = new ArrayList<>();
        if ("jar".equals(manifest.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) manifest.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                jar.stream()
                        .map(e -> e.getName())
                        .filter(n -> n.endsWith(".class") && !n.contains("-"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        } else {
            Path root = Paths.get(manifest.toURI()).getParent().getParent();
            try (Stream<Path> files = Files.walk(root)) {
                files.map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .filter(n -> n.endsWith(".class") && !n.contains("-"))
                        .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        }
        return names;
    }

    /** {@code scope:name} of every command, for recognising example lines. */
    List<String> commandNames() {
        List<String> names = new ArrayList<>();
        for (Class<? extends Action> type : commands) {
            Command c = type.getAnnotation(Command.class);
            names.add(c.scope() + ":" + c.name());
        }
        return names;
    }

    /**
     * The example command lines in a command's help ({@code description}, {@code detailedDescription}, and the
     * descriptions of its options and arguments): each line that starts, after an optional {@code Example:} or
     * {@code Examples:}, with the name of one of Caracal's commands.
     */
    List<String> examples(Class<? extends Action> type) {
        List<String> texts = new ArrayList<>();
        Command c = type.getAnnotation(Command.class);
        texts.add(c.description());
        texts.add(c.detailedDescription());
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            for (java.lang.reflect.Field field : t.getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                if (option != null) {
                    texts.add(option.description());
                }
                Argument argument = field.getAnnotation(Argument.class);
                if (argument != null) {
                    texts.add(argument.description());
                }
            }
        }
        List<String> examples = new ArrayList<>();
        for (String text : texts) {
            for (String line : text.split("\n")) {
                String example = commandLine(line);
                if (example != null) {
                    examples.add(example);
                }
            }
        }
        return examples;
    }

    /** The command line {@code line} shows, or {@code null} when it starts with no command's name. */
    String commandLine(String line) {
        Matcher m = Pattern.compile("^\\s*(?:Examples?:\\s*)?([a-z]+:[a-z-]+)(\\s.*)?$")
                .matcher(line);
        if (!m.matches() || !commandNames().contains(m.group(1))) {
            return null;
        }
        return line.substring(m.start(1)).trim();
    }
}
