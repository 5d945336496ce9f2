package dev.docpipe.function.submit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.api.ApiErrors;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.api.DownloadUrls;
import dev.docpipe.api.JobView;
import dev.docpipe.config.Components;
import dev.docpipe.job.DedupKey;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.FileNames;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.RenderOptions;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.pipeline.Intake;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.pipeline.JobEraser;
import dev.docpipe.pipeline.JobRegistry;
import dev.docpipe.pipeline.JobTransitions;
import dev.docpipe.pipeline.UploadIntake;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import dev.docpipe.webhook.WebhookPolicy;
import dev.docpipe.webhook.WebhookRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's commands: submit a document ({@code POST /jobs}: a JSON body or a {@code multipart/form-data}
 * form, optionally waiting for the job with {@code ?wait=N}), get a pre-signed upload
 * ({@code POST /uploads}), cancel ({@code DELETE /jobs/{id}}), retry ({@code POST /jobs/{id}/retry}) and
 * erase ({@code POST /jobs/{id}/erase}).
 * Routing and request validation live here; the handler only moves events in and out.
 *
 * <p>Every route acts for the caller's API key id (the owner); another owner's job is answered as
 * unknown (404), never forbidden, so ids do not leak. Validation happens before any side effect.
 */
public final class SubmitService {
    private static final Logger LOG = LoggerFactory.getLogger(SubmitService.class);
    /** API Gateway refuses payloads over 10 MB; inline content is capped well below, whatever the document limit. */
    public static final long INLINE_CEILING_BYTES = 5L * 1024 * 1024;
    public static final Duration UPLOAD_EXPIRY = Duration.ofMinutes(15);
    public static final int MAX_OPTIONS = 20;
    public static final int MAX_OPTION_KEY = 64;
    public static final int MAX_OPTION_VALUE = 1024;
    public static final int MAX_FILENAME = FileNames.MAX_LENGTH;
    public static final int MAX_URL = 2048;
    /** The longest {@code ?wait}: API Gateway ends every request after 29 s, and the submission itself needs time. */
    public static final int MAX_WAIT_SECONDS = 25;
    static final Duration FIRST_POLL = Duration.ofMillis(50);
    static final Duration MAX_POLL = Duration.ofSeconds(1);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> JOB_FIELDS = Set.of("content", "url", "filename", "format", "priority", "options",
            "callbackUrl");
    private static final Set<String> FORM_FIELDS = Set.of("file", "format", "priority", "options", "callbackUrl");
    private static final Set<String> UPLOAD_FIELDS = Set.of("filename", "format", "priority", "options", "callbackUrl");
    /** Routes (API Gateway resource templates) and the one method each accepts here. */
    private static final Map<String, String> ROUTES = Map.of(
            "/jobs", "POST", "/uploads", "POST", "/jobs/{id}", "DELETE", "/jobs/{id}/retry", "POST",
            "/jobs/{id}/erase", "POST");
    private static final Pattern PART_CHARSET = Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([A-Za-z0-9._:-]{1,40})");
    private static final Pattern PLAIN_SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Intake intake;
    private final JobTransitions transitions;
    private final Blobs blobs;
    private final StageQueues queues;
    private final Clock clock;
    private final String bucket;
    private final WorkKeys keys;
    private final long maxDocumentBytes;
    private final long inlineLimit;
    private final Duration retention;
    private final JobEraser eraser;
    private final DownloadUrls downloads;
    private final WebhookSettingsRoutes webhookSettings;

    public SubmitService(Intake intake, JobTransitions transitions, Blobs blobs, StageQueues queues, Clock clock,
                         String bucket, long maxDocumentBytes, Duration retention) {
        this.intake = intake;
        this.transitions = transitions;
        this.blobs = blobs;
        this.queues = queues;
        this.clock = clock;
        this.bucket = bucket;
        this.keys = new WorkKeys(bucket);
        this.maxDocumentBytes = maxDocumentBytes;
        this.inlineLimit = Math.min(maxDocumentBytes, INLINE_CEILING_BYTES);
        this.retention = retention;
        this.eraser = JobEraser.of(transitions, blobs, bucket, clock, retention);
        this.downloads = new DownloadUrls(blobs, bucket);
        this.webhookSettings = new WebhookSettingsRoutes(new WebhookRecords(blobs, bucket), clock,
                WebhookPolicy.from(System.getenv()).secretOverlap());
    }

    public static SubmitService from(Components c) {
        return new SubmitService(c.intake(), c.transitions(), c.blobs(), c.queues(), c.clock(), c.config().bucket(),
                c.config().maxDocumentBytes(), c.retention());
    }

    /** The largest inline {@code content}, in UTF-8 bytes. */
    public long inlineLimit() {
        return inlineLimit;
    }

    public ApiResponse handle(ApiRequest request) {
        String route = request.route() == null ? "" : request.route();
        if (WebhookSettingsRoutes.handles(route)) {
            return webhookSettings.handle(route, request);
        }
        String allowed = ROUTES.get(route);
        if (allowed == null) {
            throw new DocpipeException(ErrorCode.NOT_FOUND, "no such resource");
        }
        if (!allowed.equalsIgnoreCase(request.method())) {
            return ApiErrors.of(ErrorCode.METHOD_NOT_ALLOWED, "use " + allowed + " on " + route, null,
                    request.requestId()).withHeader("Allow", allowed);
        }
        String owner = ApiGatewayEvents.requireOwner(request);
        return switch (route) {
            case "/jobs" -> submit(owner, request);
            case "/uploads" -> upload(owner, request);
            case "/jobs/{id}" -> cancel(owner, request);
            case "/jobs/{id}/erase" -> erase(owner, request);
            default -> retry(owner, request);
        };
    }

    // POST /jobs

    /**
     * What a {@code POST /jobs} asks for, read from a JSON body or a multipart form alike.
     *
     * @param content     the document's bytes (inline), or null for a URL job
     * @param contentType how the inline bytes are stored: their type and, when known, their charset
     * @param callbackUrl the body's or form's {@code callbackUrl}, passed on as given (null when absent)
     */
    record Submission(byte[] content, String contentType, String url, String filename, Format format,
                      Priority priority, Map<String, String> options, String callbackUrl) {
    }

    private ApiResponse submit(String owner, ApiRequest request) {
        Duration wait = waitOf(request);
        Submission s = MultipartForm.isMultipart(request.header("Content-Type").orElse(null))
                ? fromForm(request) : fromJson(request.body());
        JobRegistry.Registration r;
        if (s.content() != null) {
            byte[] bytes = s.content();
            String sha256 = DedupKey.sha256Hex(bytes);
            BlobRef ref = keys.inline(DedupKey.sha256Hex(owner).substring(0, 16), sha256);
            blobs.put(ref, bytes, s.contentType(), Map.of());
            r = intake.submit(new IntakeRequest(owner, Source.inline(bucket, ref.key()), s.filename(), s.format(),
                    s.priority(), s.options(), "sha256:" + sha256, bytes.length, request.requestId()), null, true,
                    s.callbackUrl());
        } else {
            String normalised = normaliseUrl(s.url());
            r = intake.submit(new IntakeRequest(owner, Source.url(normalised), s.filename(), s.format(), s.priority(),
                    s.options(), "url:" + normalised, -1, request.requestId()), null, true, s.callbackUrl());
        }
        Job job = r.job();
        if (!wait.isZero() && !job.status().isTerminal()) {
            job = awaitSettled(job, wait);
        }
        ObjectNode view = JobView.of(job, downloads.of(job));
        view.put("deduplicated", r.outcome() == JobRegistry.Outcome.DEDUPLICATED);
        if (r.outcome() == JobRegistry.Outcome.RESTARTED) {
            view.put("restarted", true);
        }
        int status = wait.isZero() ? (r.outcome() == JobRegistry.Outcome.DEDUPLICATED ? 200 : 202)
                : (job.status().isTerminal() ? 200 : 202);
        return ApiResponse.json(status, view.toString()).withHeader("Location", "/jobs/" + job.id().value());
    }

    private Submission fromJson(String rawBody) {
        ObjectNode body = object(rawBody, JOB_FIELDS);
        String content = text(body, "content");
        String url = text(body, "url");
        if ((content == null) == (url == null)) {
            throw invalid("exactly one of content or url is required", "content");
        }
        String filename = text(body, "filename");
        if (filename != null) {
            checkFilename(filename);
        }
        Format format = format(body);
        Priority priority = priority(body);
        Map<String, String> options = options(body);
        byte[] bytes = content == null ? null : inline(content.getBytes(StandardCharsets.UTF_8), "content");
        return new Submission(bytes, inlineContentType(format, filename), url, filename, format, priority, options,
                callbackUrl(body));
    }

    /**
     * A {@code multipart/form-data} submission: a {@code file} part (its file name becomes the job's), and
     * optional {@code format}, {@code priority}, {@code options} (a JSON object, as in the JSON body) and
     * {@code callbackUrl} fields, each once; any other field is {@code unknown_field}.
     */
    private Submission fromForm(ApiRequest request) {
        Map<String, MultipartForm.Part> parts = MultipartForm.parse(request.header("Content-Type").orElseThrow(),
                request.bodyBytes());
        for (String name : parts.keySet()) {
            if (!FORM_FIELDS.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
                throw new DocpipeException(ErrorCode.UNKNOWN_FIELD, "unknown form field '" + shown + "'; accepted: "
                        + String.join(", ", FORM_FIELDS.stream().sorted().toList()), shown, null);
            }
        }
        MultipartForm.Part file = parts.get("file");
        if (file == null) {
            throw invalid("a multipart submission needs a file part named 'file'", "file");
        }
        String filename = file.filename() == null || file.filename().isEmpty() ? null : file.filename();
        if (filename != null) {
            checkFilename(filename);
        }
        ObjectNode fields = JSON.createObjectNode();
        for (String name : List.of("format", "priority", "callbackUrl")) {
            if (parts.containsKey(name)) {
                fields.put(name, parts.get(name).text());
            }
        }
        if (parts.containsKey("options")) {
            try {
                fields.set("options", JSON.readTree(parts.get("options").text()));
            } catch (JsonProcessingException e) {
                throw invalid("options must be a JSON object of strings", "options");
            }
        }
        byte[] bytes = inline(file.bytes(), "file");
        Format format = format(fields);
        return new Submission(bytes, formContentType(format, filename, file.contentType()), null, filename, format,
                priority(fields), options(fields), callbackUrl(fields));
    }

    /** Inline bytes within the inline limit ({@code 413} pointing at {@code POST /uploads}), not empty. */
    private byte[] inline(byte[] bytes, String field) {
        if (bytes.length > inlineLimit) {
            throw new DocpipeException(ErrorCode.TOO_LARGE, field + " is " + bytes.length
                    + " bytes; inline content is limited to " + inlineLimit
                    + " bytes: use POST /uploads for larger documents", field, null);
        }
        if (bytes.length == 0) {
            throw invalid(field + " must not be empty", field);
        }
        return bytes;
    }

    /** {@code ?wait=N}: whole seconds from 0 (the default: answer at once) to {@link #MAX_WAIT_SECONDS}. */
    private static Duration waitOf(ApiRequest request) {
        String raw = request.queryParameter("wait").orElse(null);
        if (raw == null) {
            return Duration.ZERO;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
            throw invalid("wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS
                    + " (API Gateway ends a request after 29 s)", "wait");
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * Reads the job from the store until it is completed, failed or cancelled, or {@code wait} has passed:
     * first after {@link #FIRST_POLL}, each pause twice the last, at most {@link #MAX_POLL} (about 30 reads
     * in 25 s). The store, not the status cache: the cache may lag a completion, the store never does.
     * A failed read ends the wait with the job as last seen: the submission has happened and stands.
     */
    private Job awaitSettled(Job job, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Duration pause = FIRST_POLL;
        Job last = job;
        while (!last.status().isTerminal()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(pause.toMillis(), Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
            try {
                last = transitions.store().get(job.id()).orElse(last);
            } catch (RuntimeException e) {
                // the job exists and is queued: a failed read ends the wait, never the submission (202)
                LOG.warn("job {}: reading it while waiting failed, answering without waiting: {}", job.id().value(),
                        e.toString());
                break;
            }
        }
        return last;
    }

    // POST /uploads

    private ApiResponse upload(String owner, ApiRequest request) {
        ObjectNode body = object(request.body(), UPLOAD_FIELDS);
        String filename = text(body, "filename");
        if (filename == null) {
            throw invalid("filename is required", "filename");
        }
        checkFilename(filename);
        Format format = format(body);
        Priority priority = priority(body);
        if (!PLAIN_SEGMENT.matcher(owner).matches()) {
            // API Gateway key ids are plain; anything else would break the key layout
            throw new IllegalStateException("owner id unfit for an upload key");
        }
        Map<String, String> options = options(body);
        String callbackUrl = callbackUrl(body);
        Instant now = clock.instant();
        JobId id = JobId.newId(now);
        String contentType = contentType(format, filename);
        BlobRef ref = new BlobRef(bucket, WorkKeys.UPLOADS + priority.wire() + "/" + owner + "/" + id.value() + "/"
                + filename);
        // the options travel as signed object metadata: the PUT must send them unchanged
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!options.isEmpty()) {
            metadata.put(UploadIntake.OPTIONS_METADATA, RenderOptions.toForm(options));
        }
        if (callbackUrl != null) {
            metadata.put(UploadIntake.CALLBACK_METADATA, callbackUrl);
        }
        URI url = blobs.presignPut(ref, UPLOAD_EXPIRY, contentType, metadata);
        ObjectNode out = JSON.createObjectNode();
        out.put("uploadUrl", url.toString());
        out.put("method", "PUT");
        ObjectNode headers = out.putObject("headers");
        headers.put("Content-Type", contentType);
        metadata.forEach((k, v) -> headers.put("x-amz-meta-" + k, v));
        if (!options.isEmpty()) {
            out.set("options", JSON.valueToTree(options));
        }
        out.put("expiresAt", now.plus(UPLOAD_EXPIRY).toString());
        out.put("maxBytes", maxDocumentBytes);
        out.put("jobId", id.value());
        out.put("statusUrl", "/jobs/" + id.value());
        return ApiResponse.json(201, out.toString()).withHeader("Location", "/jobs/" + id.value());
    }

    // DELETE /jobs/{id}

    private ApiResponse cancel(String owner, ApiRequest request) {
        JobId id = jobId(request);
        return changeOnce(owner, id, job -> {
            if (job.status().isTerminal()) {
                throw conflict("job is already " + job.status().wire() + "; only a queued or running job can be cancelled");
            }
            Instant now = clock.instant();
            Job cancelled = transitions.apply(job, JobChange.to(JobStatus.CANCELLED, now).stamp("cancelled", now)
                    .error(new JobError(ErrorCode.CANCELLED, "cancelled by its owner"))
                    .expiresAt(now.plus(retention)).build());
            return ApiResponse.json(200, JobView.of(cancelled, null).toString());
        });
    }

    // POST /jobs/{id}/erase

    /**
     * Erases the caller's job whatever its status (a queued or running one stops: its stages find the
     * tombstone and drop their output); again on an erased job, the same answer. Another owner's job is 404.
     */
    private ApiResponse erase(String owner, ApiRequest request) {
        JobId id = jobId(request);
        try {
            return ApiResponse.json(200, JobView.of(eraser.erase(owner, id), null).toString());
        } catch (JobNotFoundException e) {
            throw notFound();
        }
    }

    // POST /jobs/{id}/retry

    private ApiResponse retry(String owner, ApiRequest request) {
        JobId id = jobId(request);
        return changeOnce(owner, id, job -> {
            if (job.status() != JobStatus.FAILED && job.status() != JobStatus.CANCELLED) {
                throw conflict("job is " + job.status().wire() + "; only a failed or cancelled job can be retried");
            }
            Instant now = clock.instant();
            Job queued = transitions.apply(job, JobChange.to(JobStatus.QUEUED, now).stamp("queued", now).build());
            queues.send(new StageMessage(queued.id(), Stage.PARSE, queued.priority(), queued.attempt(),
                    request.requestId(), queued.owner()));
            return ApiResponse.json(202, JobView.of(queued, null).toString())
                    .withHeader("Location", "/jobs/" + queued.id().value());
        });
    }

    /** Runs a conditional change on the caller's job; if another writer got there first, re-reads and tries once more. */
    private ApiResponse changeOnce(String owner, JobId id, Function<Job, ApiResponse> change) {
        try {
            return change.apply(ownedJob(owner, id));
        } catch (StaleTransitionException raced) {
            return change.apply(ownedJob(owner, id));
        }
    }

    private JobId jobId(ApiRequest request) {
        String raw = request.pathParameter("id");
        if (!JobId.isValid(raw)) {
            throw notFound();
        }
        return new JobId(raw);
    }

    private Job ownedJob(String owner, JobId id) {
        return transitions.store().get(id).filter(j -> j.owner().equals(owner)).orElseThrow(SubmitService::notFound);
    }

    // request bodies

    private static ObjectNode object(String body, Set<String> accepted) {
        if (body == null || body.isBlank()) {
            throw invalid("a JSON object body is required", null);
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw invalid("the body is not valid JSON" + where, null);
        }
        if (node == null || !node.isObject()) {
            throw invalid("the body must be a JSON object", null);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!accepted.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
                throw new DocpipeException(ErrorCode.UNKNOWN_FIELD, "unknown field '" + shown + "'; accepted: "
                        + String.join(", ", accepted.stream().sorted().toList()), shown, null);
            }
        }
        return (ObjectNode) node;
    }

    /** A string field, or null when absent or JSON null. */
    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field + " must be a string", field);
        }
        return v.textValue();
    }

    /** The normalised callback URL, or null; its address is checked when an event is delivered. */
    private static String callbackUrl(ObjectNode body) {
        String url = text(body, "callbackUrl");
        return url == null ? null : WebhookSettingsRoutes.checkCallbackUrl(url, "callbackUrl");
    }

    private static Format format(ObjectNode body) {
        String v = text(body, "format");
        return v == null ? null : Format.parse(v);
    }

    private static Priority priority(ObjectNode body) {
        String v = text(body, "priority");
        return v == null ? Priority.DEFAULT : Priority.parse(v);
    }

    /**
     * The body's {@code options}, validated and in canonical form ({@link RenderOptions#toMap()}).
     *
     * @throws DocpipeException {@code invalid_option} naming the option and its allowed values
     */
    private static Map<String, String> options(ObjectNode body) {
        JsonNode v = body.get("options");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw invalid("options must be an object of strings", "options");
        }
        if (v.size() > MAX_OPTIONS) {
            throw invalid("options has " + v.size() + " entries; at most " + MAX_OPTIONS + " are allowed", "options");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_OPTION_KEY) {
                throw invalid("option names must be 1 to " + MAX_OPTION_KEY + " characters", "options");
            }
            if (!e.getValue().isTextual() || e.getValue().textValue().length() > MAX_OPTION_VALUE) {
                throw new DocpipeException(ErrorCode.INVALID_OPTION, "option '" + e.getKey()
                        + "' must be a string of at most " + MAX_OPTION_VALUE + " characters", e.getKey(), null);
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return RenderOptions.parse(out).toMap();
    }

    /** A plain file name: no path separators, no {@code ..}, no control characters, at most 200 characters. */
    static void checkFilename(String name) {
        if (!FileNames.isPlain(name)) {
            throw invalid("filename must be a plain file name of at most " + MAX_FILENAME
                    + " characters (no '/', '\\', '..' or control characters)", "filename");
        }
    }

    /**
     * An http(s) URL in a canonical form (the dedup identity of a URL job): scheme and host lower-cased,
     * default port, fragment and empty path dropped ({@code /}). Credentials in the URL are refused: they
     * would be shown back in the job. Whether the host may be fetched is decided at fetch time.
     */
    static String normaliseUrl(String raw) {
        if (raw.length() > MAX_URL) {
            throw invalid("url is longer than " + MAX_URL + " characters", "url");
        }
        URI u;
        try {
            u = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw invalid("url is not a valid URL", "url");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("url must be an http or https URL", "url");
        }
        if (u.isOpaque() || u.getHost() == null || u.getHost().isEmpty()) {
            throw invalid("url must name a host", "url");
        }
        if (u.getRawUserInfo() != null) {
            throw invalid("url must not carry credentials", "url");
        }
        int port = u.getPort();
        if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) {
            port = -1;
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port) + path
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** The content type a pre-signed upload must carry: from the format, else the file name's extension. */
    static String contentType(Format format, String filename) {
        Format f = format != null ? format : formatOfName(filename);
        if (f == null) {
            return "application/octet-stream";
        }
        return switch (f) {
            case HTML -> "text/html; charset=utf-8";
            case MARKDOWN -> "text/markdown; charset=utf-8";
            case TEXT -> "text/plain; charset=utf-8";
        };
    }

    /** Inline content is always UTF-8 text (it arrived as a JSON string). */
    private static String inlineContentType(Format format, String filename) {
        String type = contentType(format, filename);
        return type.startsWith("text/") ? type : "text/plain; charset=utf-8";
    }

    /**
     * A form file is stored as the bytes it is, with the charset its part declared (the parse stage decodes
     * with it; without one it looks for a byte order mark or a {@code <meta charset>}, else reads UTF-8).
     */
    private static String formContentType(Format format, String filename, String partContentType) {
        String type = inlineContentType(format, filename);
        String base = type.substring(0, type.indexOf(';'));
        Matcher charset = PART_CHARSET.matcher(partContentType == null ? "" : partContentType);
        return charset.find() ? base + "; charset=" + charset.group(1).toLowerCase(Locale.ROOT) : base;
    }

    private static Format formatOfName(String filename) {
        if (filename == null) {
            return null;
        }
        String lower = filename.toLowerCase(Locale.ROOT);
        for (Map.Entry<Format, List<String>> e : Map.of(Format.HTML, List.of(".html", ".htm", ".xhtml"),
                Format.MARKDOWN, List.of(".md", ".markdown"), Format.TEXT, List.of(".txt", ".text")).entrySet()) {
            if (e.getValue().stream().anyMatch(lower::endsWith)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static DocpipeException invalid(String message, String field) {
        return new DocpipeException(ErrorCode.INVALID_REQUEST, message, field, null);
    }

    private static DocpipeException conflict(String message) {
        return new DocpipeException(ErrorCode.CONFLICT, message);
    }

    private static DocpipeException notFound() {
        return new DocpipeException(ErrorCode.NOT_FOUND, "no such job");
    }
}
