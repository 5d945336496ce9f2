package dev.docpipe.local.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the files to convert and checks the output directory, before anything is started or written.
 * Every problem is a {@link UsageException} naming the path and what to do.
 */
final class Inputs {
    /** Extensions a directory is searched for (files named explicitly may have any name). */
    static final List<String> EXTENSIONS = List.of("html", "htm", "xhtml", "xht", "md", "markdown", "txt", "text");
    static final String EXTENSION_LIST = ".html, .htm, .xhtml, .xht, .md, .markdown, .txt or .text";

    /** File-system permission checks; tests replace them (as root every file is readable). */
    interface Access {
        boolean readable(Path p);

        boolean writable(Path p);

        Access SYSTEM = new Access() {
            @Override
            public boolean readable(Path p) {
                return Files.isReadable(p);
            }

            @Override
            public boolean writable(Path p) {
                return Files.isWritable(p);
            }
        };
    }

    /**
     * One file to convert.
     *
     * @param display the path as the user would recognise it (as given, or the directory given plus the relative path)
     */
    record InputFile(Path path, String display, long size) {
    }

    /** A file or folder a directory search passed over, and why (named files are never skipped). */
    record Skipped(String display, String reason) {
        static final String NOT_A_DOCUMENT = "not a document type convert reads (" + EXTENSION_LIST + ")";
        static final String HIDDEN = "hidden (its name starts with '.')";
        static final String NOT_A_FILE = "not a regular file";
    }

    private Inputs() {
    }

    /** The files named or found under the directories named, in order, each once. */
    static List<InputFile> collect(List<String> given, Access access) throws UsageException {
        return collect(given, access, new ArrayList<>());
    }

    /** As {@link #collect(List, Access)}, adding what directory searches passed over to {@code skipped}. */
    static List<InputFile> collect(List<String> given, Access access, List<Skipped> skipped) throws UsageException {
        List<InputFile> files = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (String arg : given) {
            Path path;
            try {
                path = Path.of(arg);
            } catch (InvalidPathException e) {
                throw new UsageException(ConvertOptions.quote(arg) + " is not a valid path; check the name");
            }
            if (!Files.exists(path)) {
                throw new UsageException("no such file or directory: " + arg + "; check the path"
                        + (ConvertOptions.looksLikeUrl(arg) ? " (to convert a web page, use --url " + arg + ")" : ""));
            }
            if (Files.isDirectory(path)) {
                List<InputFile> found = walk(path, arg, access, skipped);
                if (found.isEmpty()) {
                    throw new UsageException("directory " + arg + " has no " + EXTENSION_LIST
                            + " files (searched recursively); give a directory with documents, or name the files");
                }
                for (InputFile f : found) {
                    if (seen.add(realPath(f.path()))) {
                        files.add(f);
                    }
                }
            } else if (Files.isRegularFile(path)) {
                if (!access.readable(path)) {
                    throw new UsageException("cannot read " + arg + " (permission denied); make it readable or leave it out");
                }
                if (seen.add(realPath(path))) {
                    files.add(new InputFile(path, arg, size(path, arg)));
                }
            } else {
                throw new UsageException(arg + " is neither a regular file nor a directory; give documents or directories");
            }
        }
        return files;
    }

    private static List<InputFile> walk(Path root, String arg, Access access, List<Skipped> skipped)
            throws UsageException {
        if (!access.readable(root)) {
            throw new UsageException("cannot read directory " + arg + " (permission denied); make it readable or leave it out");
        }
        List<Path> found = new ArrayList<>();
        List<Skipped> passed = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(root) && hidden(dir)) {
                        passed.add(new Skipped(display(root, arg, dir) + "/", Skipped.HIDDEN));
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!access.readable(dir)) {
                        throw new AccessDeniedException(dir.toString());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (hidden(file)) {
                        passed.add(new Skipped(display(root, arg, file), Skipped.HIDDEN));
                    } else if (!convertible(file)) {
                        passed.add(new Skipped(display(root, arg, file), Skipped.NOT_A_DOCUMENT));
                    } else if (!Files.isRegularFile(file)) {
                        passed.add(new Skipped(display(root, arg, file), Skipped.NOT_A_FILE));
                    } else {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // removed while we looked, or a dangling link
                    }
                    throw e;
                }
            });
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot read " + display(root, arg, Path.of(e.getFile()))
                    + " (permission denied); make it readable or leave it out");
        } catch (IOException e) {
            throw new UsageException("cannot read directory " + arg + " (" + e.getMessage() + "); check it");
        }
        found.sort(null);
        passed.sort(java.util.Comparator.comparing(Skipped::display));
        skipped.addAll(passed);
        List<InputFile> files = new ArrayList<>();
        for (Path f : found) {
            String display = display(root, arg, f);
            if (!access.readable(f)) {
                throw new UsageException("cannot read " + display + " (permission denied); make it readable or leave it out");
            }
            files.add(new InputFile(f, display, size(f, display)));
        }
        return files;
    }

    private static String display(Path root, String arg, Path file) {
        Path relative = root.relativize(file);
        return relative.toString().isEmpty() ? arg : Path.of(arg).resolve(relative).toString();
    }

    static boolean convertible(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static long size(Path p, String display) throws UsageException {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UsageException("cannot read " + display + " (" + e.getMessage() + "); check it");
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /**
     * Checks that {@code out} is, or can be created as, a writable directory. Creates nothing: the
     * directory is made only once the whole invocation is known to be good.
     */
    static void checkOut(Path out, Access access) throws UsageException {
        String shown = out.toString();
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new UsageException("--out " + shown + " is a file, not a directory; give a directory (it is created if missing)");
            }
            if (!access.writable(out)) {
                throw new UsageException("--out " + shown + " is not writable; give a directory you can write to");
            }
            return;
        }
        if (Files.isSymbolicLink(out)) {
            throw new UsageException("--out " + shown + " is a dangling symbolic link; give a directory");
        }
        Path ancestor = out.toAbsolutePath().normalize().getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null) {
            throw new UsageException("--out " + shown + " cannot be created; give a directory under an existing one");
        }
        if (!Files.isDirectory(ancestor, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(ancestor)) {
            throw new UsageException("--out " + shown + " cannot be created: " + ancestor + " is a file; give another directory");
        }
        if (!access.writable(ancestor)) {
            throw new UsageException("--out " + shown + " cannot be created in " + ancestor
                    + " (permission denied); give a directory you can write to");
        }
    }
}
