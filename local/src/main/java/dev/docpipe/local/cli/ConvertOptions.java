package dev.docpipe.local.cli;

import dev.docpipe.config.Config;
import dev.docpipe.job.Format;
import dev.docpipe.job.Priority;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

/**
 * The parsed arguments of {@code convert}. Parsing checks only the arguments themselves (values,
 * unknown options); whether the paths exist is {@link Inputs}' job.
 *
 * @param paths    files and directories as given, in order
 * @param out      where the PDFs go
 * @param format   the format every input is read as, or null to go by extension and content
 * @param urls     web pages to fetch, in order, without repeats
 * @param redis    whether to run the Redis fast path (redis-server) as well
 * @param verbose  whether to list each file a directory search skipped (a count is printed anyway)
 */
public record ConvertOptions(List<String> paths, Path out, Priority priority, Format format, List<URI> urls,
                             Config.StoreKind store, boolean redis, boolean help, boolean verbose,
                             Map<String, String> renderOptions) {
    public static final Path DEFAULT_OUT = Path.of("out");
    /** The store used unless {@code --store} says otherwise (see docs/convert.md for why). */
    public static final Config.StoreKind DEFAULT_STORE = Config.StoreKind.DYNAMODB;

    static final String PRIORITIES = "high, default, low";
    static final String FORMATS = "html, markdown, text";
    static final String STORES = "dynamodb, postgres";
    static final String OPTIONS = "--out, --priority, --format, --url, --store, --redis, --verbose, --help, "
            + RenderFlags.NAMES;

    public static final String USAGE = """
            usage: java -jar docpipe-local.jar convert PATH... [options]

            Converts HTML, Markdown and text files (directories: recursively, by extension .html .htm
            .xhtml .xht .md .markdown .txt .text; the files skipped are counted, --verbose lists them)
            and web pages to PDF, through the whole docpipe pipeline running on this machine.

            options:
              --out DIR                     where the PDFs go (default ./out; created if missing)
              --priority high|default|low   queue priority of every document (default: default)
              --format html|markdown|text   read every input as this format (default: by extension, then content)
              --url URL...                  also convert these web pages (http or https; repeatable)
              --store dynamodb|postgres     job store behind the pipeline (default: dynamodb)
              --redis                       also run the Redis fast path (redis-server)
              -v, --verbose                 list each file skipped in a directory, and why
              -h, --help                    show this help

            render options (every document; see docs/rendering.md):
            """ + RenderFlags.USAGE + """

            exit codes: 0 all converted, 1 some failed, 2 bad invocation, 3 the pipeline failed, 130 interrupted
            """;

    /** Parses the arguments after {@code convert}. */
    public static ConvertOptions parse(List<String> args) throws UsageException {
        List<String> paths = new ArrayList<>();
        Set<URI> urls = new LinkedHashSet<>();
        String out = null;
        Priority priority = null;
        Format format = null;
        Config.StoreKind store = null;
        boolean redis = false;
        boolean help = false;
        boolean verbose = false;
        boolean optionsEnded = false;
        RenderFlags render = new RenderFlags();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                paths.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                name = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            if (RenderFlags.optionOf(name) != null) {
                render.put(name, inlineValue != null ? inlineValue : value(args, ++i, name, "a value; see --help"));
                continue;
            }
            switch (name) {
                case "-h", "--help" -> help = true;
                case "-v", "--verbose" -> {
                    if (inlineValue != null) {
                        throw new UsageException("--verbose takes no value; write just --verbose");
                    }
                    verbose = true;
                }
                case "--redis" -> {
                    if (inlineValue != null) {
                        throw new UsageException("--redis takes no value; write just --redis");
                    }
                    redis = true;
                }
                case "--out", "-o" -> {
                    if (out != null) {
                        throw new UsageException("--out is given twice; give it once");
                    }
                    out = inlineValue != null ? inlineValue : value(args, ++i, name, "a directory, e.g. --out out");
                    if (out.isBlank()) {
                        throw new UsageException("--out needs a directory, e.g. --out out");
                    }
                }
                case "--priority" -> {
                    if (priority != null) {
                        throw new UsageException("--priority is given twice; give it once");
                    }
                    priority = priority(inlineValue != null ? inlineValue : value(args, ++i, name, "one of " + PRIORITIES));
                }
                case "--format" -> {
                    if (format != null) {
                        throw new UsageException("--format is given twice; give it once");
                    }
                    format = format(inlineValue != null ? inlineValue : value(args, ++i, name, "one of " + FORMATS));
                }
                case "--store" -> {
                    if (store != null) {
                        throw new UsageException("--store is given twice; give it once");
                    }
                    store = store(inlineValue != null ? inlineValue : value(args, ++i, name, "one of " + STORES));
                }
                case "--url" -> {
                    urls.add(url(inlineValue != null ? inlineValue : value(args, ++i, name, "an http:// or https:// URL")));
                    // "--url A B C": the URLs that follow belong to it too (a local path never starts with http://)
                    while (inlineValue == null && i + 1 < args.size() && looksLikeUrl(args.get(i + 1))) {
                        urls.add(url(args.get(++i)));
                    }
                }
                default -> throw new UsageException("unknown option " + quote(arg) + "; the options are " + OPTIONS);
            }
        }
        if (help) {
            return new ConvertOptions(List.copyOf(paths), DEFAULT_OUT, Priority.DEFAULT, format, List.copyOf(urls),
                    DEFAULT_STORE, redis, true, verbose, Map.of());
        }
        if (paths.isEmpty() && urls.isEmpty()) {
            throw new UsageException("nothing to convert; give files or directories, e.g. 'convert examples', or --url URL");
        }
        Path outPath;
        try {
            outPath = out == null ? DEFAULT_OUT : Path.of(out);
        } catch (InvalidPathException e) {
            throw new UsageException("--out " + quote(out) + " is not a valid path; give a directory, e.g. --out out");
        }
        return new ConvertOptions(List.copyOf(paths), outPath, priority == null ? Priority.DEFAULT : priority, format,
                List.copyOf(urls), store == null ? DEFAULT_STORE : store, redis, false, verbose, render.validated());
    }

    /** The value after an option; shared by the commands' parsers. */
    static String value(List<String> args, int i, String option, String expected) throws UsageException {
        if (i >= args.size() || (args.get(i).startsWith("--") && args.get(i).length() > 2)) {
            throw new UsageException(option + " needs a value: " + expected);
        }
        return args.get(i);
    }

    static Priority priority(String value) throws UsageException {
        for (Priority p : Priority.values()) {
            if (p.wire().equalsIgnoreCase(value.trim())) {
                return p;
            }
        }
        throw new UsageException("--priority must be one of " + PRIORITIES + ", not " + quote(value));
    }

    static Format format(String value) throws UsageException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Format f : Format.values()) {
            if (f.wire().equals(v)) {
                return f;
            }
        }
        if (v.equals("md")) {
            return Format.MARKDOWN;
        }
        if (v.equals("txt")) {
            return Format.TEXT;
        }
        throw new UsageException("--format must be one of " + FORMATS + ", not " + quote(value));
    }

    static Config.StoreKind store(String value) throws UsageException {
        for (Config.StoreKind s : Config.StoreKind.values()) {
            if (s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new UsageException("--store must be one of " + STORES + ", not " + quote(value));
    }

    static boolean looksLikeUrl(String arg) {
        String a = arg.toLowerCase(Locale.ROOT);
        return a.startsWith("http://") || a.startsWith("https://");
    }

    static URI url(String value) throws UsageException {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new UsageException("--url " + quote(value) + " is not a valid URL (" + e.getReason()
                    + "); give an http:// or https:// URL, with spaces written as %20");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UsageException("--url " + quote(value) + " is not an http:// or https:// URL; only web pages can be fetched"
                    + (scheme.isEmpty() || scheme.equals("file") ? " (give local files as paths, without --url)" : ""));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new UsageException("--url " + quote(value) + " has no host name; write it like https://example.com/page");
        }
        return uri;
    }

    static String quote(String s) {
        return "'" + s + "'";
    }
}
