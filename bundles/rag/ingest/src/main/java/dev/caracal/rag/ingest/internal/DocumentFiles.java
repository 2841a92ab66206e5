package dev.caracal.rag.ingest.internal;

import dev.caracal.rag.ingest.Document;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The documents of a local file or folder. A folder is walked recursively in path order; files and folders whose
 * names start with {@code .} are left out; a symbolic link to a file counts as a file, a link to a folder is not
 * followed. Documents are named by their path relative to the folder, with {@code /} separators (a single file by its
 * file name). A file or folder that cannot even be listed is a failure reported with the others, not the end of the
 * walk.
 */
final class DocumentFiles {

    /** The documents found, and what could not be listed. */
    record Listing(List<Document> documents, List<DocumentResult> unlisted) {}

    private DocumentFiles() {}

    static Listing list(Path fileOrFolder) {
        Path root = fileOrFolder.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            throw new InvalidIngestRequestException("path", root + " does not exist");
        }
        if (!Files.isReadable(root)) {
            throw new InvalidIngestRequestException("path", root + " cannot be read (permission denied)");
        }
        if (Files.isRegularFile(root)) {
            return new Listing(List.of(file(root, root.getFileName().toString())), List.of());
        }
        if (!Files.isDirectory(root)) {
            throw new InvalidIngestRequestException("path", root + " is neither a file nor a folder");
        }
        List<Path> files = new ArrayList<>();
        List<DocumentResult> unlisted = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!hidden(file) && (attrs.isRegularFile() || Files.isRegularFile(file))) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (!hidden(file)) {
                        unlisted.add(new DocumentResult(
                                name(root, file),
                                null,
                                DocumentResult.Outcome.FAILED,
                                0,
                                0,
                                0,
                                "cannot be read: " + e.getMessage()));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new InvalidIngestRequestException("path", "cannot list " + root + ": " + e.getMessage());
        }
        files.sort(Comparator.naturalOrder());
        List<Document> documents = new ArrayList<>(files.size());
        for (Path file : files) {
            documents.add(file(file, name(root, file)));
        }
        return new Listing(documents, unlisted);
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static String name(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static Document file(Path file, String name) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = -1; // reading it will fail and say why
        }
        return new Document(name, null, size, () -> Files.newInputStream(file));
    }
}
