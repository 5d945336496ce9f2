package dev.docpipe.local.cli;

import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.job.Source;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.pipeline.UploadIntake;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.Page;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code convert}: starts a {@link LocalPipeline} in memory, uploads every file under
 * {@code uploads/<priority>/cli/<n>/<name>} with a plain S3 client (so the S3 notification, the
 * ingest function and every stage run as they would in AWS), submits each URL through the intake,
 * follows the jobs in the job store, and writes each PDF to the output directory as it completes.
 *
 * <p>Files with identical bytes would be one job (the pipeline deduplicates by content per owner),
 * so they are uploaded once and the PDF is written under each of their names.
 */
final class ConvertCommand {
    static final String OWNER = "cli";
    /** How often the progress line is redrawn and Ctrl-C noticed while waiting for jobs to finish. */
    private static final Duration POLL = Duration.ofMillis(250);
    /** With no job reported finished for this long, the jobs are read from the job store. */
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Pattern UPLOAD_GROUP = Pattern.compile("/uploads/[^/]+/" + OWNER + "/(\\d+)/");
    /** Receives before a message goes to its dead-letter queue: a transient failure is retried twice. */
    static final int MAX_RECEIVES = 3;
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration POLLER_STOP = Duration.ofSeconds(30);

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final Inputs.Access access;

    /** One output: a file or a URL, and what became of it. */
    private static final class Doc {
        final String display;
        final String pdfName;
        Path pdf;
        int pages;
        JobError error;

        Doc(String display, String pdfName) {
            this.display = display;
            this.pdfName = pdfName;
        }

        boolean finished() {
            return pdf != null || error != null;
        }
    }

    /** What one job stands for: a URL, or files with the same bytes. */
    private static final class Unit {
        final List<Doc> docs = new ArrayList<>();
        boolean resolved;
    }

    /** Per job: created → completed or failed, in ms (job timestamps), for the summary's percentiles. */
    private final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LocalPipeline pipeline;
    private volatile Progress progress;
    private volatile Path partial;
    private volatile Path outDir;
    private volatile int written;
    private volatile Path log;
    /** Open until LocalPipeline.start returns: Ctrl-C during the start waits for it, then closes what it started. */
    private final CountDownLatch startup = new CountDownLatch(1);

    ConvertCommand(PrintStream out, PrintStream err, boolean terminal, Inputs.Access access) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.access = access;
    }

    /** One line counting what the directory searches passed over; each file and its reason with --verbose. */
    private void reportSkipped(List<Inputs.Skipped> skipped, boolean verbose) {
        if (skipped.isEmpty()) {
            return;
        }
        long hidden = skipped.stream().filter(s -> s.reason().equals(Inputs.Skipped.HIDDEN)).count();
        out.printf("skipped %d file%s in the directories given (%d not %s, %d hidden)%s%n", skipped.size(),
                skipped.size() == 1 ? "" : "s", skipped.size() - hidden, Inputs.EXTENSION_LIST, hidden,
                verbose ? ":" : "; --verbose lists them");
        if (verbose) {
            for (Inputs.Skipped s : skipped) {
                out.printf("  skipped %s: %s%n", s.display(), s.reason());
            }
        }
    }

    /** Runs the command; bad invocations are thrown before anything is started or written. */
    int run(ConvertOptions options) throws UsageException {
        List<Inputs.Skipped> skipped = new ArrayList<>();
        List<Inputs.InputFile> files = Inputs.collect(options.paths(), access, skipped);
        Inputs.checkOut(options.out(), access);

        OutputNames names = new OutputNames();
        List<Doc> fileDocs = new ArrayList<>();
        for (Inputs.InputFile f : files) {
            fileDocs.add(new Doc(f.display(), names.forFile(f.path().getFileName().toString())));
        }
        List<Doc> urlDocs = new ArrayList<>();
        for (URI u : options.urls()) {
            urlDocs.add(new Doc(u.toString(), names.forUrl(u)));
        }
        int total = fileDocs.size() + urlDocs.size();

        outDir = options.out();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UsageException("--out " + outDir + " cannot be created (" + e + "); give a directory you can write to");
        }

        log = Logging.toFile();
        long t0 = System.nanoTime();
        out.printf("docpipe convert: %d document%s -> %s (store %s%s)%n", total, total == 1 ? "" : "s", outDir,
                options.store().name().toLowerCase(Locale.ROOT), options.redis() ? ", redis" : "");
        reportSkipped(skipped, options.verbose());
        out.println("starting the local pipeline...");
        out.flush();

        Thread hook = new Thread(this::shutdownHook, "docpipe-convert-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.Installed signals = Signals.onInterrupt(this::interruptRequested);
        int code;
        try {
            code = convert(options, files, fileDocs, urlDocs, t0);
        } catch (RuntimeException | Error e) { // Error too: a broken class path (NoClassDefFoundError) is a failed start
            if (stopping.get()) {
                code = Main.EXIT_INTERRUPTED;
            } else {
                if (progress != null) {
                    progress.interrupt();
                }
                err.println("docpipe convert: the pipeline failed: " + describe(e)
                        + (log == null ? "" : "; details in " + log));
                code = Main.EXIT_PIPELINE;
            }
        }
        if (code == Main.EXIT_INTERRUPTED && shuttingDown.get()) {
            return code; // the JVM is exiting: the shutdown hook stops the pipeline and reports
        }
        closePipeline();
        signals.restore();
        removeHook(hook);
        if (code == Main.EXIT_INTERRUPTED) {
            out.printf("stopped; %d PDF%s written to %s%s%n", written, written == 1 ? "" : "s", outDir,
                    log == null ? "" : " (log: " + log + ")");
        } else if (log != null) {
            if (code == Main.EXIT_OK) {
                deleteQuietly(log);
            } else {
                out.println("log: " + log);
            }
        }
        out.flush();
        return code;
    }

    private int convert(ConvertOptions options, List<Inputs.InputFile> files, List<Doc> fileDocs, List<Doc> urlDocs,
                        long t0) {
        // Each finished job is handed over by the pipeline as it finishes (the outcome event the webhook
        // function would get; no job here can have a callback URL), instead of reading every job from the
        // store four times a second.
        BlockingQueue<Job> outcomes = new LinkedBlockingQueue<>();
        LocalPipeline.Options pipelineOptions = LocalPipeline.Options.inMemory(options.store(), options.redis())
                .withRedrive(MAX_RECEIVES, FunctionTimeouts.DEPLOYED).withOutcomesTo(outcomes::add);
        try {
            pipeline = LocalPipeline.start(pipelineOptions);
        } finally {
            startup.countDown();
        }
        if (stopping.get()) {
            closePipeline(); // Ctrl-C came while it started
            return Main.EXIT_INTERRUPTED;
        }
        long started = System.nanoTime();
        out.printf("pipeline up in %s; converting...%n", seconds(started - t0));
        out.flush();

        long maxBytes = pipeline.components().config().maxDocumentBytes();
        List<Unit> units = new ArrayList<>();
        Map<String, Unit> byContent = new LinkedHashMap<>();
        Map<JobId, Unit> byJob = new LinkedHashMap<>();
        progress = new Progress(out, terminal, fileDocs.size() + urlDocs.size(), System::nanoTime);
        String priority = options.priority().wire();

        try (S3Client s3 = pipeline.s3().newClient()) {
            for (int i = 0; i < files.size(); i++) {
                Inputs.InputFile file = files.get(i);
                Doc doc = fileDocs.get(i);
                if (stopping.get()) {
                    return Main.EXIT_INTERRUPTED;
                }
                byte[] content;
                try {
                    long size = Files.size(file.path());
                    if (size > maxBytes) {
                        doc.error = new JobError(ErrorCode.TOO_LARGE, "document is " + size
                                + " bytes; the limit is " + maxBytes + " bytes");
                        continue;
                    }
                    content = Files.readAllBytes(file.path());
                } catch (IOException e) {
                    doc.error = new JobError(ErrorCode.INVALID_REQUEST, "cannot read the file: " + e);
                    continue;
                }
                String hash = sha256(content);
                Unit unit = byContent.get(hash);
                if (unit == null) {
                    unit = new Unit();
                    byContent.put(hash, unit);
                    units.add(unit);
                    String key = "uploads/" + priority + "/" + OWNER + "/" + (units.size() - 1) + "/"
                            + file.path().getFileName();
                    Map<String, String> metadata = new LinkedHashMap<>();
                    if (options.format() != null) {
                        metadata.put("format", options.format().wire());
                    }
                    if (!options.renderOptions().isEmpty()) {
                        metadata.put(UploadIntake.OPTIONS_METADATA, RenderOptions.toForm(options.renderOptions()));
                    }
                    s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key).metadata(metadata),
                            RequestBody.fromBytes(content));
                }
                unit.docs.add(doc);
                progress.update(written, failedCount(fileDocs, urlDocs));
            }
        }
        int fileUnits = units.size();
        for (Doc doc : urlDocs) {
            if (stopping.get()) {
                return Main.EXIT_INTERRUPTED;
            }
            Unit unit = new Unit();
            unit.docs.add(doc);
            units.add(unit);
            String url = doc.display;
            try {
                JobId id = pipeline.components().intake().submit(new IntakeRequest(OWNER, Source.url(url), null,
                        options.format(), options.priority(), options.renderOptions(), "url:" + url, -1,
                        UUID.randomUUID().toString())).job().id();
                byJob.put(id, unit);
            } catch (DocpipeException e) {
                doc.error = new JobError(e.code(), e.getMessage());
                unit.resolved = true;
            }
        }

        // follow the jobs until every document has its PDF or its error: as the pipeline reports them
        // finished, and from the job store whenever it has reported nothing for a while (a safety net: every
        // finishing write reports, but the store is what counts)
        long lastHeard = System.nanoTime();
        while (!allFinished(fileDocs, urlDocs)) {
            if (stopping.get()) {
                return Main.EXIT_INTERRUPTED;
            }
            Job reported = take(outcomes, POLL);
            if (reported != null) {
                List<Job> jobs = new ArrayList<>();
                jobs.add(reported);
                outcomes.drainTo(jobs);
                for (Job job : jobs) {
                    follow(job, units, byJob, fileUnits);
                }
                lastHeard = System.nanoTime();
            } else if (System.nanoTime() - lastHeard >= QUIET.toNanos()) {
                for (Job job : allJobs()) {
                    follow(job, units, byJob, fileUnits);
                }
                lastHeard = System.nanoTime();
            }
            progress.update(written, failedCount(fileDocs, urlDocs));
        }
        int failed = failedCount(fileDocs, urlDocs);
        progress.finish(written, failed);
        long finished = System.nanoTime();
        closePipeline();
        summary(fileDocs, urlDocs, finished - t0, started - t0, finished - started);
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /** Matches a job to what it stands for (by its upload key, or its URL submission) and, once finished, writes its PDFs. */
    private void follow(Job job, List<Unit> units, Map<JobId, Unit> byJob, int fileUnits) {
        Unit unit = byJob.get(job.id());
        if (unit == null) {
            Matcher m = UPLOAD_GROUP.matcher(job.source().location());
            if (job.source().kind() == Source.Kind.S3 && m.find()) {
                int index = Integer.parseInt(m.group(1));
                if (index < fileUnits) {
                    unit = units.get(index);
                    byJob.put(job.id(), unit);
                }
            }
        }
        if (unit != null && !unit.resolved && job.status().isTerminal()) {
            resolve(unit, job);
        }
    }

    private static Job take(BlockingQueue<Job> outcomes, Duration wait) {
        try {
            return outcomes.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void resolve(Unit unit, Job job) {
        unit.resolved = true;
        java.time.Instant finished = job.timestamps().get(job.status().wire());
        if (finished != null) {
            latencies.add(Duration.between(job.createdAt(), finished).toMillis());
        }
        if (job.status() != JobStatus.COMPLETED) {
            JobError error = job.error() != null ? job.error()
                    : new JobError(job.status() == JobStatus.CANCELLED ? ErrorCode.CANCELLED : ErrorCode.INTERNAL,
                    "job " + job.status().name().toLowerCase(Locale.ROOT) + " without an error");
            unit.docs.forEach(d -> d.error = error);
            return;
        }
        byte[] pdf;
        try {
            Blobs.Blob blob = pipeline.components().blobs().get(BlobRef.parse(job.result().pdfLocation())).orElse(null);
            if (blob == null) {
                JobError error = new JobError(ErrorCode.INTERNAL, "the job completed but its PDF is missing");
                unit.docs.forEach(d -> d.error = error);
                return;
            }
            pdf = blob.bytes();
        } catch (RuntimeException e) {
            if (stopping.get()) {
                throw e;
            }
            JobError error = new JobError(ErrorCode.INTERNAL, "could not read the PDF: " + describe(e));
            unit.docs.forEach(d -> d.error = error);
            return;
        }
        for (Doc doc : unit.docs) {
            Path target = outDir.resolve(doc.pdfName);
            try {
                writeAtomically(target, pdf);
                doc.pdf = target;
                doc.pages = job.result().pages();
                written++;
            } catch (IOException e) {
                doc.error = new JobError(ErrorCode.INTERNAL, "could not write " + target + ": " + e);
            }
        }
    }

    /** Written under a temporary name and moved into place: a PDF in the output is always whole. */
    private void writeAtomically(Path target, byte[] pdf) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        partial = tmp;
        try {
            Files.write(tmp, pdf);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            partial = null;
        }
    }

    /** Nearest-rank percentile of a sorted list. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private List<Job> allJobs() {
        List<Job> jobs = new ArrayList<>();
        String cursor = null;
        do {
            Page<Job> page = pipeline.components().store().listByOwner(OWNER, JobQuery.all(JobQuery.MAX_LIMIT).withCursor(cursor));
            jobs.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return jobs;
    }

    private void summary(List<Doc> fileDocs, List<Doc> urlDocs, long elapsed, long startupNanos, long converting) {
        List<Doc> all = new ArrayList<>(fileDocs);
        all.addAll(urlDocs);
        int failed = failedCount(fileDocs, urlDocs);
        out.printf("%d of %d converted, %d failed, in %s (pipeline start %s, conversion %s, %s docs/s)%n",
                written, all.size(), failed, seconds(elapsed), seconds(startupNanos), seconds(converting),
                Progress.rate(all.size(), converting));
        if (!latencies.isEmpty()) {
            List<Long> sorted = latencies.stream().sorted().toList();
            out.printf("job latency (submitted -> finished): p50 %s, p99 %s, max %s over %d job%s%n",
                    seconds(percentile(sorted, 50) * 1_000_000), seconds(percentile(sorted, 99) * 1_000_000),
                    seconds(sorted.get(sorted.size() - 1) * 1_000_000), sorted.size(), sorted.size() == 1 ? "" : "s");
        }
        List<Doc> done = all.stream().filter(d -> d.pdf != null).toList();
        int shown = 0;
        for (Doc d : done) {
            if (shown++ == 20) {
                out.printf("  ... and %d more in %s%n", done.size() - 20, outDir);
                break;
            }
            out.printf("  %s -> %s (%d page%s)%n", d.display, d.pdf, d.pages, d.pages == 1 ? "" : "s");
        }
        if (failed > 0) {
            out.println("failed:");
            for (Doc d : all) {
                if (d.error != null) {
                    out.printf("  %s: %s: %s%n", d.display, d.error.code().code(), oneLine(d.error.message()));
                }
            }
        }
        out.flush();
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM, caught by {@link Signals}: the main thread notices, finishes a start
     * in progress (so the embedded PostgreSQL and redis-server, processes of their own, are stopped
     * too), closes the pipeline and reports. A second Ctrl-C exits at once through the shutdown hook.
     */
    private void interruptRequested() {
        if (stopping.getAndSet(true)) {
            out.println("stopping now");
            out.flush();
            System.exit(Main.EXIT_INTERRUPTED);
            return;
        }
        Progress p = progress;
        if (p != null) {
            p.interrupt();
        }
        out.println("interrupted: stopping the pipeline (Ctrl-C again to quit at once)...");
        out.flush();
    }

    /**
     * The JVM is exiting while the command runs (a second Ctrl-C, a signal {@link Signals} could not
     * catch): close the pipeline, leave no partial PDF behind, report.
     */
    private void shutdownHook() {
        if (closed.get()) {
            return;
        }
        shuttingDown.set(true);
        stopping.set(true);
        Progress p = progress;
        if (p != null) {
            p.interrupt();
        }
        try {
            // a start in progress runs to its end first, so that what it started can be closed
            startup.await(STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closePipeline();
        Path part = partial;
        if (part != null) {
            deleteQuietly(part);
        }
        out.printf("stopped; %d PDF%s written to %s%s%n", written, written == 1 ? "" : "s", outDir,
                log == null ? "" : " (log: " + log + ")");
        out.flush();
    }

    private void closePipeline() {
        LocalPipeline p = pipeline;
        if (p != null && closed.compareAndSet(false, true)) {
            try {
                // every poller finishes the batches it is handling at the same time; close() alone
                // stops them one after the other
                List<Thread> stoppers = p.pollers().values().stream()
                        .map(poller -> Thread.ofVirtual().start(() -> poller.stop(POLLER_STOP)))
                        .toList();
                for (Thread t : stoppers) {
                    t.join(POLLER_STOP.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // close() below stops them
            }
            try {
                p.close();
            } catch (RuntimeException e) {
                // stopping anyway
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs
        }
    }

    private static boolean allFinished(List<Doc> a, List<Doc> b) {
        return a.stream().allMatch(Doc::finished) && b.stream().allMatch(Doc::finished);
    }

    private static int failedCount(List<Doc> a, List<Doc> b) {
        return (int) (a.stream().filter(d -> d.error != null).count() + b.stream().filter(d -> d.error != null).count());
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }


    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e ? message : message + " (" + root + ")";
    }
}
