package dev.caracal.vector.shell.command;

import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.FileCompleter;

/**
 * Completes file names from the console's current directory (what {@code cd} changes), where {@code vector:ingest}
 * resolves relative paths; Karaf's own file completer always starts at the directory Karaf runs in.
 */
@Service
public class SessionFileCompleter extends FileCompleter {
    private static final ThreadLocal<Path> CURRENT = new ThreadLocal<>();

    @Override
    public void completeCandidates(Session session, CommandLine commandLine, List<Candidate> candidates) {
        CURRENT.set(session == null ? null : session.currentDir());
        try {
            super.completeCandidates(session, commandLine, candidates);
        } finally {
            CURRENT.remove();
        }
    }

    @Override
    protected Path getUserDir() {
        Path current = CURRENT.get();
        return current != null ? current : super.getUserDir();
    }
}
