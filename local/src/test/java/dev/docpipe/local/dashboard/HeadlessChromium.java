package dev.docpipe.local.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver protocol, spoken directly with
 * java.net.http and Jackson (no Selenium: its OpenTelemetry dependencies would shift the versions
 * local mode ships). Only what the dashboard test needs: open a page, find elements, click, type,
 * press keys, run a script, wait, take a full-page screenshot.
 */
final class HeadlessChromium implements AutoCloseable {
    /** The W3C name of an element reference in JSON. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** WebDriver's code for the Tab key. */
    static final String TAB = "\uE004";
    static final String ESCAPE = "\uE00C";

    private final Process driver;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String session;
    private String browserVersion = "";

    private HeadlessChromium(Process driver, URI base) {
        this.driver = driver;
        this.base = base;
    }

    /** The variable's value when it is set, else the first candidate; if it is an executable file. */
    static Optional<Path> executable(String variable, String... candidates) {
        String configured = System.getenv(variable);
        List<String> all = configured != null && !configured.isBlank() ? List.of(configured) : List.of(candidates);
        return all.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts chromedriver on a free loopback port and one headless browser session whose downloads go
     * to {@code downloads} (PDFs too: the built-in viewer is off).
     */
    static HeadlessChromium start(Path chromedriver, Path browser, Path downloads, Path log, int width, int height)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(chromedriver.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HeadlessChromium c = new HeadlessChromium(process, URI.create("http://127.0.0.1:" + port + "/"));
        try {
            c.awaitDriver();
            c.newSession(browser, downloads, width, height);
            return c;
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
    }

    private void awaitDriver() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive()) {
                throw new IllegalStateException("chromedriver exited with " + driver.exitValue());
            }
            try {
                JsonNode status = call("GET", "status", null);
                if (status.path("ready").asBoolean(false)) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not become ready in 20 s");
    }

    private void newSession(Path browser, Path downloads, int width, int height) throws IOException {
        Files.createDirectories(downloads);
        ObjectNode options = JSON.createObjectNode();
        options.put("binary", browser.toString());
        ArrayNode args = options.putArray("args");
        for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--window-size=" + width + "," + height, "--lang=en-GB")) {
            args.add(a);
        }
        ObjectNode prefs = options.putObject("prefs");
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("plugins.always_open_pdf_externally", true);
        ObjectNode body = JSON.createObjectNode();
        ObjectNode always = body.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        always.set("goog:chromeOptions", options);
        always.put("unhandledPromptBehavior", "dismiss");
        always.putObject("goog:loggingPrefs").put("browser", "ALL");
        JsonNode created = call("POST", "session", body).path("value");
        session = created.path("sessionId").asText();
        if (session.isEmpty()) {
            throw new IllegalStateException("chromedriver created no session");
        }
        browserVersion = created.path("capabilities").path("browserVersion").asText();
    }

    /** The browser's version, as the session reported it. */
    String version() {
        return browserVersion;
    }

    void open(URI url) {
        command("url", JSON.createObjectNode().put("url", url.toString()));
    }

    String currentUrl() {
        return command("url", null).asText();
    }

    /** The first element matching the CSS selector, or null. */
    String find(String css) {
        List<String> all = findAll(css);
        return all.isEmpty() ? null : all.get(0);
    }

    List<String> findAll(String css) {
        JsonNode found = command("elements", JSON.createObjectNode().put("using", "css selector").put("value", css));
        List<String> ids = new ArrayList<>();
        found.forEach(e -> ids.add(e.path(ELEMENT).asText()));
        return ids;
    }

    /** The element matching the selector, waiting up to {@code timeout} for it to exist. */
    String await(String css, Duration timeout) {
        try {
            await(() -> find(css) != null, timeout, "an element matching " + css);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " on " + describe(), e);
        }
        return find(css);
    }

    /** Where the browser is and the start of what it shows: for failure messages. */
    String describe() {
        JsonNode page = script("return {url: location.href, title: document.title,"
                + " text: (document.body ? document.body.innerText : '').substring(0, 300)}");
        return page.path("url").asText() + " \"" + page.path("title").asText() + "\": " + page.path("text").asText();
    }

    void click(String element) {
        command("element/" + element + "/click", JSON.createObjectNode());
    }

    /** Types into the element (a file input takes a path). */
    void type(String element, String text) {
        command("element/" + element + "/value", JSON.createObjectNode().put("text", text));
    }

    void clear(String element) {
        command("element/" + element + "/clear", JSON.createObjectNode());
    }

    /**
     * The rendered text of the first element matching the selector, or null when there is none; read
     * in one script, so a re-render between finding and reading cannot make the element stale.
     */
    String textOf(String css) {
        JsonNode v = script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
        return v.isNull() ? null : v.asText();
    }

    /** Whether an element matching the selector exists and is rendered (not hidden, not display: none). */
    boolean shown(String css) {
        return script("const e = document.querySelector(arguments[0]);"
                + " return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;", css).asBoolean();
    }

    String text(String element) {
        return command("element/" + element + "/text", null).asText();
    }

    /** A DOM property of the element ({@code value}, {@code checked}, …) as text. */
    String property(String element, String name) {
        JsonNode v = command("element/" + element + "/property/" + name, null);
        return v.isNull() ? null : v.asText();
    }

    boolean displayed(String element) {
        return command("element/" + element + "/displayed", null).asBoolean(false);
    }

    /** Presses and releases keys on whatever has the focus. */
    void press(String... keys) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode source = body.putArray("actions").addObject().put("type", "key").put("id", "keyboard");
        ArrayNode actions = source.putArray("actions");
        for (String k : keys) {
            actions.addObject().put("type", "keyDown").put("value", k);
        }
        for (int i = keys.length - 1; i >= 0; i--) {
            actions.addObject().put("type", "keyUp").put("value", keys[i]);
        }
        command("actions", body);
        command("actions", null, "DELETE");
    }

    /** Runs a script in the page ({@code arguments[i]} are the args) and returns its JSON result. */
    JsonNode script(String js, Object... args) {
        ObjectNode body = JSON.createObjectNode().put("script", js);
        ArrayNode a = body.putArray("args");
        for (Object arg : args) {
            a.addPOJO(arg);
        }
        return command("execute/sync", body);
    }

    /**
     * The browser console's messages since the last call (page errors, CSP refusals, failed loads),
     * through chromedriver's log endpoint.
     */
    List<String> consoleMessages() {
        List<String> out = new ArrayList<>();
        command("se/log", JSON.createObjectNode().put("type", "browser"))
                .forEach(e -> out.add(e.path("level").asText() + " " + e.path("message").asText()));
        return out;
    }

    /** The whole page, beyond the window, as PNG (through the DevTools command chromedriver relays). */
    byte[] fullPageScreenshot() {
        JsonNode metrics = cdp("Page.getLayoutMetrics", JSON.createObjectNode());
        JsonNode size = metrics.path("cssContentSize");
        ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0)
                .put("width", size.path("width").asDouble()).put("height", size.path("height").asDouble())
                .put("scale", 1);
        ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.set("clip", clip);
        return Base64.getDecoder().decode(cdp("Page.captureScreenshot", params).path("data").asText());
    }

    private JsonNode cdp(String command, ObjectNode params) {
        ObjectNode body = JSON.createObjectNode().put("cmd", command);
        body.set("params", params);
        return command("goog/cdp/execute", body);
    }

    /** Polls {@code condition} every 100 ms until it holds, failing after {@code timeout} naming {@code what}. */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    private JsonNode command(String path, ObjectNode body) {
        return command(path, body, body == null ? "GET" : "POST");
    }

    private JsonNode command(String path, ObjectNode body, String method) {
        return call(method, "session/" + session + "/" + path, body).path("value");
    }

    private JsonNode call(String method, String path, ObjectNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            b.header("Content-Type", "application/json; charset=utf-8")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("chromedriver answered " + r.statusCode() + " with no JSON", e);
        }
        if (r.statusCode() != 200) {
            JsonNode v = answer.path("value");
            throw new WebDriverException(v.path("error").asText() + ": " + v.path("message").asText());
        }
        return method.equals("GET") && path.equals("status") ? answer.path("value") : answer;
    }

    /** An error chromedriver reported (no such element, stale element, JavaScript error, …). */
    static final class WebDriverException extends RuntimeException {
        WebDriverException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        if (session != null) {
            try {
                call("DELETE", "session/" + session, null);
            } catch (RuntimeException e) {
                // the process is stopped below anyway
            }
        }
        driver.destroy();
        try {
            if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            driver.destroyForcibly();
        }
    }
}
