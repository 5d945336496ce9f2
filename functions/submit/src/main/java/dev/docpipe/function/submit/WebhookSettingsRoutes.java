package dev.docpipe.function.submit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.api.ApiErrors;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.api.ApiRequest;
import dev.docpipe.api.ApiResponse;
import dev.docpipe.fetch.FetchException;
import dev.docpipe.fetch.UrlFetcher;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.webhook.WebhookKey;
import dev.docpipe.webhook.WebhookRecords;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The API key's webhook settings: {@code GET /webhook} (the default callback URL and the secrets' ids
 * and lifetimes, never their values), {@code PUT /webhook} ({@code {"defaultCallbackUrl": "…" | null}})
 * and {@code POST /webhook/secrets} (a new signing secret, answered once; the previous one stays valid
 * for the overlap, see docs/api-webhooks.md).
 */
final class WebhookSettingsRoutes {
    static final int MAX_URL = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Set<String>> ROUTES = Map.of("/webhook", Set.of("GET", "PUT"),
            "/webhook/secrets", Set.of("POST"));

    private final WebhookRecords records;
    private final Clock clock;
    private final Duration overlap;

    WebhookSettingsRoutes(WebhookRecords records, Clock clock, Duration overlap) {
        this.records = records;
        this.clock = clock;
        this.overlap = overlap;
    }

    static boolean handles(String route) {
        return ROUTES.containsKey(route);
    }

    ApiResponse handle(String route, ApiRequest request) {
        String method = request.method() == null ? "" : request.method().toUpperCase(java.util.Locale.ROOT);
        String allowed = String.join(", ", new java.util.TreeSet<>(ROUTES.get(route)));
        if (!ROUTES.get(route).contains(method)) {
            return ApiErrors.of(ErrorCode.METHOD_NOT_ALLOWED, "use " + allowed + " on " + route, null,
                    request.requestId()).withHeader("Allow", allowed);
        }
        String owner = ApiGatewayEvents.requireOwner(request);
        Instant now = clock.instant();
        WebhookKey key = records.key(owner);
        if (route.equals("/webhook/secrets")) {
            WebhookKey rotated = key.rotate(now, overlap);
            records.putKey(owner, rotated);
            WebhookKey.Secret current = rotated.current();
            ObjectNode out = JSON.createObjectNode();
            out.put("id", current.id());
            out.put("secret", current.value());
            out.put("createdAt", current.createdAt().toString());
            out.set("secrets", secrets(rotated, now));
            return ApiResponse.json(201, out.toString());
        }
        if (method.equals("PUT")) {
            key = key.withDefaultCallbackUrl(defaultCallbackUrl(request.body()));
            records.putKey(owner, key);
        }
        return ApiResponse.json(200, view(key, now).toString());
    }

    private static ObjectNode view(WebhookKey key, Instant now) {
        ObjectNode out = JSON.createObjectNode();
        if (key.defaultCallbackUrl() == null) {
            out.putNull("defaultCallbackUrl");
        } else {
            out.put("defaultCallbackUrl", key.defaultCallbackUrl());
        }
        out.set("secrets", secrets(key, now));
        return out;
    }

    /** Ids and lifetimes of the valid secrets, newest first; never a value. */
    private static ArrayNode secrets(WebhookKey key, Instant now) {
        ArrayNode list = JSON.createArrayNode();
        for (WebhookKey.Secret s : key.valid(now)) {
            ObjectNode o = list.addObject();
            o.put("id", s.id());
            o.put("createdAt", s.createdAt().toString());
            if (s.expiresAt() != null) {
                o.put("expiresAt", s.expiresAt().toString());
            }
        }
        return list;
    }

    private static String defaultCallbackUrl(String body) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON", null, null);
        }
        if (node == null || !node.isObject() || !node.has("defaultCallbackUrl")) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                    "a JSON object with defaultCallbackUrl (a URL, or null to remove it) is required", null, null);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("defaultCallbackUrl")) {
                throw new DocpipeException(ErrorCode.UNKNOWN_FIELD, "unknown field '" + abbreviate(name)
                        + "'; accepted: defaultCallbackUrl", name, null);
            }
        }
        JsonNode url = node.get("defaultCallbackUrl");
        if (url.isNull()) {
            return null;
        }
        if (!url.isTextual()) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, "defaultCallbackUrl must be a string or null",
                    "defaultCallbackUrl", null);
        }
        return checkCallbackUrl(url.asText(), "defaultCallbackUrl");
    }

    /**
     * A callback URL checked as far as it can be without the network, normalised; where it points is
     * checked on every delivery (the public-address policy of URL jobs).
     */
    static String checkCallbackUrl(String url, String field) {
        if (url.length() > MAX_URL) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, field + " is longer than " + MAX_URL
                    + " characters", field, null);
        }
        try {
            return UrlFetcher.checkSyntax(url);
        } catch (FetchException e) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST, field + ": " + e.getMessage(), field, null);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
