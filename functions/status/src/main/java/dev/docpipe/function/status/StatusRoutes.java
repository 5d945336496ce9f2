package dev.docpipe.function.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.api.ApiErrors;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.api.JobView;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.FileNames;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.pipeline.WorkKeys;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.Page;
import dev.docpipe.port.QueueMonitor.QueueLoad;
import dev.docpipe.webhook.WebhookRecords;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The status function's routes: request parameters in, JSON out; and the dashboard ({@code GET /} and
 * {@code GET /assets/{file}}). Every route but {@code GET /health} and the dashboard's needs the
 * caller's API key id; a known route with another method answers 405, anything else 404.
 */
public final class StatusRoutes implements Function<ApiRequest, ApiResponse> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LIST_PARAMETERS = Set.of("status", "priority", "since", "until", "limit", "cursor",
            "filename", "source", "uploadKey");
    /** The longest upload key S3 accepts, in characters (S3 counts UTF-8 bytes; longer can never match). */
    static final int MAX_UPLOAD_KEY = 1024;
    private static final String ASSET_ROUTE = Dashboard.ASSETS + "{file}";
    private static final Set<String> ROUTES = Set.of("/jobs/{id}", "/jobs", "/stats", "/health", Dashboard.PAGE,
            ASSET_ROUTE);

    private final StatusService service;
    private volatile Dashboard dashboard;

    public StatusRoutes(StatusService service) {
        this.service = service;
    }

    @Override
    public ApiResponse apply(ApiRequest request) {
        String route = route(request);
        if (!ROUTES.contains(route)) {
            throw new DocpipeException(ErrorCode.NOT_FOUND, "no such route");
        }
        if (!"GET".equals(request.method())) {
            return ApiErrors.of(ErrorCode.METHOD_NOT_ALLOWED, "only GET is allowed here", null, request.requestId())
                    .withHeader("Allow", "GET");
        }
        return switch (route) {
            case Dashboard.PAGE -> dashboard().page();
            case ASSET_ROUTE -> dashboard().asset(assetName(request));
            case "/health" -> health();
            case "/jobs/{id}" -> job(ApiGatewayEvents.requireOwner(request), id(request));
            case "/jobs" -> history(ApiGatewayEvents.requireOwner(request), request.query());
            default -> stats(ApiGatewayEvents.requireOwner(request));
        };
    }

    /** Built on the first request for the page: API calls never read its files. */
    private Dashboard dashboard() {
        Dashboard d = dashboard;
        if (d == null) {
            synchronized (this) {
                if (dashboard == null) {
                    dashboard = new Dashboard(service.storageUrl());
                }
                d = dashboard;
            }
        }
        return d;
    }

    private ApiResponse job(String owner, String id) {
        StatusService.JobAnswer answer = service.job(owner, id);
        ObjectNode body = JobView.of(answer.job(), answer.downloadUrl());
        if (answer.deduplicated()) {
            body.put("deduplicated", true);
        }
        ArrayNode deliveries = body.putArray("deliveries");
        answer.deliveries().forEach(d -> deliveries.add(WebhookRecords.view(d)));
        return ApiResponse.json(200, body.toString());
    }

    private ApiResponse history(String owner, Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!LIST_PARAMETERS.contains(name)) {
                throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                        "unknown query parameter; accepted: " + String.join(", ", LIST_PARAMETERS.stream().sorted().toList()),
                        name, null);
            }
        }
        JobQuery q = new JobQuery(
                blank(query.get("status")) ? null : JobStatus.parse(query.get("status")),
                blank(query.get("priority")) ? null : Priority.parse(query.get("priority")),
                instant(query.get("since"), "since"), instant(query.get("until"), "until"),
                limit(query.get("limit")), blank(query.get("cursor")) ? null : query.get("cursor"));
        String uploadKey = uploadKey(query.get("uploadKey"));
        Source.Kind source = source(query.get("source"));
        if (uploadKey != null) {
            q = q.withFile(filename(query.get("filename")), source == null ? Source.Kind.S3 : source,
                    service.uploadLocation(uploadKey));
        } else {
            q = q.withFile(filename(query.get("filename")), source, null);
        }
        Page<Job> page = service.history(owner, q);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        page.items().forEach(job -> items.add(JobView.of(job, null)));
        if (page.nextCursor() == null) {
            body.putNull("nextCursor");
        } else {
            body.put("nextCursor", page.nextCursor());
        }
        return ApiResponse.json(200, body.toString());
    }

    private ApiResponse stats(String owner) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode jobs = body.putObject("jobs");
        Map<JobStatus, Long> counts = service.counts(owner);
        for (JobStatus s : JobStatus.values()) {
            jobs.put(s.wire(), counts.getOrDefault(s, 0L));
        }
        ArrayNode queues = body.putArray("queues");
        for (QueueLoad load : service.queueLoads()) {
            ObjectNode q = queues.addObject();
            q.put("stage", load.stage());
            if (load.priority() == null) {
                q.putNull("priority");
            } else {
                q.put("priority", load.priority().wire());
            }
            q.put("deadLetter", load.deadLetter());
            q.put("visible", load.visible());
            q.put("inFlight", load.inFlight());
            q.put("delayed", load.delayed());
            if (load.oldestAge() == null) {
                q.putNull("oldestAgeSeconds");
            } else {
                q.put("oldestAgeSeconds", load.oldestAge().toSeconds());
            }
        }
        return ApiResponse.json(200, body.toString());
    }

    private ApiResponse health() {
        StatusService.Health health = service.health();
        ObjectNode body = JSON.createObjectNode();
        body.put("status", health.all() ? "ok" : "degraded");
        ObjectNode checks = body.putObject("checks");
        health.checks().forEach(checks::put);
        return ApiResponse.json(health.required() ? 200 : 503, body.toString());
    }

    /** API Gateway's resource template; from the path when an event carries none. */
    private static String route(ApiRequest request) {
        if (request.route() != null) {
            return request.route();
        }
        String path = request.path() == null ? "" : request.path();
        if (path.matches("/jobs/[^/]+")) {
            return "/jobs/{id}";
        }
        if (path.matches("/assets/[^/]+")) {
            return ASSET_ROUTE;
        }
        return path;
    }

    private static String assetName(ApiRequest request) {
        String name = request.pathParameter("file");
        if (name == null && request.path() != null && request.path().startsWith(Dashboard.ASSETS)) {
            name = request.path().substring(Dashboard.ASSETS.length());
        }
        return name;
    }

    private static String id(ApiRequest request) {
        String id = request.pathParameter("id");
        if (id == null && request.path() != null && request.path().startsWith("/jobs/")) {
            id = request.path().substring("/jobs/".length());
        }
        return id;
    }

    private static Instant instant(String value, String field) {
        if (blank(value)) {
            return null;
        }
        Instant time;
        try {
            time = Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                    field + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z", field, null);
        }
        if (!JobId.inRange(time)) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, field + " must be between "
                    + JobId.EARLIEST + " and " + JobId.LATEST, field, null);
        }
        return time;
    }

    /** An exact file name: as given (not trimmed), at most as long as a job's file name can be. */
    private static String filename(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > FileNames.MAX_LENGTH) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                    "filename is longer than " + FileNames.MAX_LENGTH + " characters", "filename", null);
        }
        return value;
    }

    /** {@code upload}, {@code inline} or {@code url}: where the job's document came from. */
    private static Source.Kind source(String value) {
        if (blank(value)) {
            return null;
        }
        return switch (value.trim()) {
            case "upload", "s3" -> Source.Kind.S3;
            case "inline" -> Source.Kind.INLINE;
            case "url" -> Source.Kind.URL;
            default -> throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                    "source must be one of upload (shown on a job as s3), inline, url", "source", null);
        };
    }

    /** An upload's object key, e.g. {@code uploads/dev/report.md}: only keys under {@code uploads/} become jobs. */
    private static String uploadKey(String value) {
        if (blank(value)) {
            return null;
        }
        if (!value.startsWith(WorkKeys.UPLOADS) || value.length() > MAX_UPLOAD_KEY) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, "uploadKey must be an object key under "
                    + WorkKeys.UPLOADS + " of at most " + MAX_UPLOAD_KEY + " characters", "uploadKey", null);
        }
        return value;
    }

    private static int limit(String value) {
        if (blank(value)) {
            return JobQuery.DEFAULT_LIMIT;
        }
        try {
            return new JobQuery(null, null, null, null, Integer.parseInt(value.trim()), null).limit();
        } catch (NumberFormatException e) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, "limit must be an integer between 1 and "
                    + JobQuery.MAX_LIMIT, "limit", null);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
