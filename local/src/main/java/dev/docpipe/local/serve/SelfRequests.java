package dev.docpipe.local.serve;

import dev.docpipe.job.JobId;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only requests serve sends to its own API once it is ready, so that the code of a request and of
 * the adapters behind it (the gateway's event, the submit and status handlers, the job store's and
 * Redis's reads through their clients) is loaded and compiled before the first user's request rather
 * than during it. Each request names a job id that cannot exist, under a key of the process's own
 * ({@link ApiKeys#withProcessKey}): nothing is written, no job is created, no metric counts a job.
 */
public final class SelfRequests {
    /** The owner the requests are made as; no user's key has this id. */
    public static final String OWNER = "docpipe-self";

    private SelfRequests() {
    }

    /** What each request answered, in order ("GET /jobs/{id} 404", ...). */
    public static List<String> send(URI api, ApiKeys.Key key) throws IOException {
        String unknown = JobId.newId(Instant.now()).value();
        List<String> answers = new ArrayList<>();
        answers.add("GET /jobs/{id} " + request(api, key, "GET", "/jobs/" + unknown, null));
        answers.add("GET /jobs " + request(api, key, "GET", "/jobs?limit=1", null));
        answers.add("POST /jobs/{id}/retry " + request(api, key, "POST", "/jobs/" + unknown + "/retry", ""));
        // no content: refused before anything is stored
        answers.add("POST /jobs " + request(api, key, "POST", "/jobs", "{\"format\":\"markdown\"}"));
        return answers;
    }

    private static int request(URI api, ApiKeys.Key key, String method, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) api.resolve(path).toURL().openConnection();
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout(5_000);
            c.setReadTimeout(30_000);
            c.setRequestProperty("x-api-key", key.value());
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return status;
        } finally {
            c.disconnect();
        }
    }
}
