package dev.docpipe.local.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.config.Config;
import dev.docpipe.config.QueueNames;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.local.serve.ApiKeys;
import dev.docpipe.local.serve.Gateway;
import dev.docpipe.port.StageMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in headless Chromium against the whole local pipeline behind local mode's gateway:
 * the key, a pasted document to a downloaded PDF, a file through the pre-signed upload, a failing
 * URL job and its retry, filters (status, priority, time, file name, source), cancelling a queued job, the dead letters and a retry from them,
 * keyboard access, labels and contrast, no console error or CSP refusal in the whole session, and a
 * screenshot ({@code target/dashboard.png}). Skipped where no chromium and chromedriver are
 * installed ({@code .ci/install-browser} installs them). {@code DOCPIPE_CHROMIUM} and
 * {@code DOCPIPE_CHROMEDRIVER} name other executables (when set, only those are tried).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    private static final Duration SOON = Duration.ofSeconds(15);
    /** The overview and dead letters refresh every 15 s. */
    private static final Duration OVERVIEW = Duration.ofSeconds(35);
    private static final Duration PIPELINE = Duration.ofSeconds(120);
    private static final Path TARGET = Path.of("target");
    private static final Path DOWNLOADS = TARGET.resolve("dashboard-downloads");
    private static final Path SCREENSHOT = TARGET.resolve("dashboard.png");

    private LocalPipeline pipeline;
    private Gateway gateway;
    /** The gateway's key, as its first start creates it. */
    private String key;
    private HeadlessChromium browser;
    private URI page;
    private String completedJob;
    private String uploadedJob;
    private String failedJob;

    @BeforeAll
    void startStackAndBrowser() throws Exception {
        Optional<Path> chromium = HeadlessChromium.executable("DOCPIPE_CHROMIUM", "/usr/bin/chromium",
                "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        Optional<Path> driver = HeadlessChromium.executable("DOCPIPE_CHROMEDRIVER", "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver");
        assumeTrue(chromium.isPresent() && driver.isPresent(),
                "no chromium and chromedriver here (.ci/install-browser installs them)");

        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false));
        Path keys = Files.createDirectories(TARGET.resolve("dashboard-keys"));
        Files.deleteIfExists(keys.resolve("api-keys.json"));
        ApiKeys apiKeys = ApiKeys.loadOrCreate(keys);
        key = apiKeys.first().value();
        gateway = Gateway.start(0, new SubmitHandler(pipeline.components()),
                new StatusHandler(pipeline.components(), pipeline.queueMonitor()), apiKeys);
        page = gateway.endpoint().resolve("/");

        deleteRecursively(DOWNLOADS);
        browser = HeadlessChromium.start(driver.get(), chromium.get(), DOWNLOADS, TARGET.resolve("chromedriver.log"),
                1400, 1000);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void keyForm_isReachedByTab_andEveryFieldIsLabelled() {
        browser.open(page);
        browser.await("#api-key", SOON);

        List<String> reached = tabThrough(8);

        assertThat(reached).containsSubsequence("api-key", "key-submit");
        assertThat(unlabelledControls()).isEmpty();
    }

    @Test
    @Order(2)
    void aWrongKeyIsRefused_theRightOneIsKeptForTheTabOnly() {
        browser.type(browser.find("#api-key"), "dp_not_a_key_of_this_gateway_000");
        browser.click(browser.find("#key-submit"));
        HeadlessChromium.await(() -> browser.shown("#alert")
                && browser.textOf("#alert").contains("refused"), SOON, "the refusal");
        assertThat(browser.shown("#app")).isFalse();

        browser.type(browser.find("#api-key"), key);
        browser.click(browser.find("#key-submit"));
        HeadlessChromium.await(() -> browser.shown("#app"), SOON, "the dashboard after the key");

        assertThat(browser.script("return sessionStorage.getItem('docpipe.apiKey')").asText()).isEqualTo(key);
        assertThat(browser.script("return localStorage.length").asInt()).isZero();
        assertThat(browser.currentUrl()).doesNotContain(key);
        assertThat(browser.shown("#alert")).isFalse();
        assertThat(browser.property(browser.find("#api-key"), "value")).isEmpty();
    }

    @Test
    @Order(3)
    void dashboard_everyControlIsLabelled_keyboardReachesSubmitAndFilters_withAVisibleFocus_andTextHasContrast() {
        browser.open(page); // the key is in session storage: the page opens on the dashboard
        browser.await("#jobs tbody tr", SOON);
        assertThat(browser.shown("#key-section")).isFalse();

        List<String> outlines = new ArrayList<>();
        List<String> reached = tabThrough(50, outlines);

        assertThat(reached).containsSubsequence("forget-key", "source-paste", "content", "format", "priority",
                "submit-button", "filter-status", "filter-priority", "filter-since", "filter-until", "filter-filename",
                "filter-source", "filter-upload-key", "filter-apply",
                "live");
        assertThat(outlines).as("focus outline of each control reached by Tab").allSatisfy(o -> assertThat(o)
                .doesNotStartWith("none").doesNotStartWith("0px"));
        assertThat(unlabelledControls()).isEmpty();
        assertThat(browser.script("return [...document.querySelectorAll('button')]"
                + ".filter(b => !(b.textContent.trim() || b.getAttribute('aria-label'))).length").asInt()).isZero();
        assertThat(lowContrastText()).isEmpty();
    }

    @Test
    @Order(4)
    void pastedMarkdown_isWatchedToCompleted_withItsTimeline_andThePdfDownloads_itsBidiControlShownVisibly()
            throws Exception {
        // U+202E (right-to-left override) would make the name render as "dashboard-md.report"
        completedJob = submitPasted("# Dashboard report\n\nWritten by the *browser test*.\n", "dashboard-\u202etroper.md",
                "markdown");
        awaitDetailStatus(completedJob, "completed");
        assertThat(detailField("document")).isEqualTo("dashboard-\u27e8U+202E\u27e9troper.md");
        assertThat(browser.textOf("#jobs tbody tr[data-job-id='" + completedJob + "'] td:nth-of-type(2)"))
                .isEqualTo("dashboard-\u27e8U+202E\u27e9troper.md");
        HeadlessChromium.await(() -> browser.textOf("#announcer").contains("completed"), SOON,
                "the live region to announce the completion");

        assertThat(detailField("attempt")).isEqualTo("1");
        List<String> steps = new ArrayList<>();
        browser.script("return [...document.querySelectorAll('#timeline tbody tr')].map(r => r.dataset.step)")
                .forEach(n -> steps.add(n.asText()));
        assertThat(steps).containsExactly("queued", "parse.started", "parse.finished", "render.started",
                "render.finished", "store.started", "store.finished", "completed", "total");
        String parseTook = browser.textOf("#timeline tr[data-step='parse.finished'] td:nth-of-type(2)");
        assertThat(parseTook).matches("\\d+(\\.\\d)? (ms|s)|\\d+ min \\d+ s");

        assertThat(browser.shown("#download")).isTrue();
        String download = browser.find("#download");
        assertThat(browser.property(download, "href")).startsWith(pipeline.s3().endpoint().toString());
        browser.click(download);
        Path pdf = awaitDownload();
        byte[] head = new byte[5];
        try (var in = Files.newInputStream(pdf)) {
            assertThat(in.read(head)).isEqualTo(5);
        }
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(browser.currentUrl()).isEqualTo(page.toString());
    }

    @Test
    @Order(5)
    void aFileGoesThroughThePresignedUpload_andItsPreallocatedJobCompletes() throws Exception {
        afterTheSecondOf(completedJob); // step 7 filters by whole seconds: each job in a second of its own
        Path file = TARGET.resolve("dashboard-upload.html").toAbsolutePath();
        Files.writeString(file, "<!DOCTYPE html><html><head><title>Uploaded</title></head><body><h1>Uploaded from the"
                + " dashboard</h1><p>Through a pre-signed PUT.</p></body></html>");
        chooseSource("file");
        browser.type(browser.find("#file"), file.toString());
        select("#format", "");
        select("#priority", "high");
        uploadedJob = submitAndAwaitId();

        assertThat(browser.textOf("#submit-result")).startsWith("Uploaded dashboard-upload.html");
        assertThat(JobId.isValid(uploadedJob)).isTrue();

        awaitDetailStatus(uploadedJob, "completed");
        assertThat(detailField("priority")).isEqualTo("high");
        assertThat(detailField("document")).isEqualTo("dashboard-upload.html");
        select("#priority", "default");
    }

    @Test
    @Order(6)
    void aBlockedUrl_showsItsErrorCodeAndMessage_andRetryStartsAttemptTwo() throws InterruptedException {
        afterTheSecondOf(uploadedJob);
        chooseSource("url");
        select("#format", "");
        browser.type(browser.find("#url"), "http://127.0.0.1:9/internal.html");
        failedJob = submitAndAwaitId();
        awaitDetailStatus(failedJob, "failed");
        assertThat(browser.shown("#detail-error")).isTrue();
        assertThat(browser.textOf("#detail-error")).startsWith("Error fetch_blocked: ");
        assertThat(browser.shown("#cancel-job")).isFalse();
        assertThat(browser.shown("#download")).isFalse();

        browser.click(browser.find("#retry-job"));
        HeadlessChromium.await(() -> "2".equals(detailField("attempt")), SOON, "attempt 2 after the retry");
        awaitDetailStatus(failedJob, "failed");
    }

    /** Waits until the wall clock is past the second the job was created in (its id carries that time). */
    private static void afterTheSecondOf(String jobId) throws InterruptedException {
        java.time.Instant next = new JobId(jobId).createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
        long wait = java.time.Duration.between(java.time.Instant.now(), next).toMillis() + 20;
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    @Test
    @Order(7)
    void filters_narrowTheTableByStatusPriorityFileNameSourceAndTimeRange() {
        select("#filter-status", "failed");
        browser.click(browser.find("#filter-apply"));
        HeadlessChromium.await(() -> rowStatuses().equals(List.of("failed")), SOON, "only the failed job listed");
        assertThat(browser.script("return document.querySelector('#jobs tbody tr').dataset.jobId").asText())
                .isEqualTo(failedJob);

        select("#filter-status", "");
        select("#filter-priority", "high");
        browser.click(browser.find("#filter-apply"));
        HeadlessChromium.await(() -> rowIds().equals(List.of(uploadedJob)), SOON, "only the high-priority upload listed");
        assertThat(browser.textOf("#jobs-summary")).contains("priority high");

        select("#filter-priority", "");
        browser.type(browser.find("#filter-filename"), "dashboard-upload.html");
        browser.click(browser.find("#filter-apply"));
        // the priority filter listed the same one job: the summary tells the new answer from the old
        HeadlessChromium.await(() -> browser.textOf("#jobs-summary").contains("filename dashboard-upload.html")
                && rowIds().equals(List.of(uploadedJob)), SOON, "only the job of that file name");
        assertThat(browser.textOf("#jobs-summary")).doesNotContain("priority");
        browser.script("document.getElementById('filter-filename').value = ''");
        select("#filter-source", "url");
        browser.click(browser.find("#filter-apply"));
        HeadlessChromium.await(() -> rowIds().equals(List.of(failedJob)), SOON, "only the URL job listed");

        select("#filter-source", "");
        browser.click(browser.find("#filter-apply"));
        HeadlessChromium.await(() -> rowIds().containsAll(List.of(completedJob, uploadedJob, failedJob)), SOON,
                "every job listed with no filter");
        // created from the upload's second (inclusive) to the failed job's second (exclusive), in the
        // browser's local time as a person would enter it; the jobs were created seconds apart
        browser.script("""
                const local = (iso) => {
                  const d = new Date(iso);
                  const p = (n) => String(n).padStart(2, '0');
                  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours())
                    + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
                };
                const created = (id) => document.querySelector("#jobs tr[data-job-id='" + id + "'] time").dateTime;
                document.getElementById('filter-since').value = local(created(arguments[0]));
                document.getElementById('filter-until').value = local(created(arguments[1]));""", uploadedJob, failedJob);
        browser.click(browser.find("#filter-apply"));
        try {
            HeadlessChromium.await(() -> rowIds().equals(List.of(uploadedJob)), SOON, "only the job created in the range");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; listed " + rowIds() + " (upload " + uploadedJob + ", failed "
                    + failedJob + "), summary '" + browser.textOf("#jobs-summary") + "', since '"
                    + browser.property(browser.find("#filter-since"), "value") + "', until '"
                    + browser.property(browser.find("#filter-until"), "value") + "', created "
                    + browser.script("return [...document.querySelectorAll('#jobs time')].map(t => t.dateTime).join(' ')"), e);
        }
        assertThat(browser.textOf("#jobs-summary")).contains("since 20").contains("until 20");

        browser.click(browser.find("#filter-reset"));
        HeadlessChromium.await(() -> rowIds().containsAll(List.of(completedJob, uploadedJob, failedJob)), SOON,
                "every job listed again");
        assertThat(browser.property(browser.find("#filter-since"), "value")).isEmpty();
    }

    @Test
    @Order(8)
    void aQueuedJob_isCancelledFromItsDetail() {
        browser.click(browser.find("#filter-reset")); // whatever an earlier step left in the filters
        pipeline.stopFunction("parse");
        try {
            String id = submitPasted("This one waits in the queue and is cancelled.", "to-cancel.txt", "text");
            awaitDetailStatus(id, "queued");

            browser.click(browser.find("#cancel-job"));

            awaitDetailStatus(id, "cancelled");
            HeadlessChromium.await(() -> "cancelled".equals(rowStatus(id)), SOON, "the table row to show cancelled");
            assertThat(browser.shown("#retry-job")).isTrue();
            assertThat(browser.textOf("#detail-error")).startsWith("Error cancelled: ");
        } finally {
            pipeline.startFunction("parse");
        }
    }

    @Test
    @Order(9)
    void deadLetteredJobs_areListed_andARetryCompletesOne() {
        pipeline.stopFunction("parse");
        String kept;
        String id;
        try {
            kept = submitPasted("# Left dead\n\nStays in the dead letters.", "left-dead.md", "markdown");
            awaitDetailStatus(kept, "queued");
            id = submitPasted("# Dead letter\n\nIts parse message runs out of receives.", "dead-letter.md", "markdown");
            awaitDetailStatus(id, "queued");
            deadLetter(kept);
            deadLetter(id);

            awaitDetailStatus(id, "failed");
            assertThat(browser.textOf("#detail-error")).startsWith("Error retries_exhausted: ");
            String row = "#dead tbody tr[data-job-id='" + id + "']";
            browser.await(row, OVERVIEW);
            browser.await("#dead tbody tr[data-job-id='" + kept + "']", OVERVIEW);
            assertThat(browser.textOf(row + " td:nth-of-type(4)")).contains("parse stage gave up");
            assertThat(browser.textOf("#dead-depths")).startsWith("Dead-letter queues hold ");

            browser.click(browser.find(row + " button[aria-label^='Retry']"));
            HeadlessChromium.await(() -> "2".equals(detailField("attempt")), SOON, "attempt 2 after the retry");
        } finally {
            pipeline.startFunction("parse");
        }
        awaitDetailStatus(id, "completed");
        HeadlessChromium.await(() -> browser.findAll("#dead tbody tr[data-job-id='" + id + "']").isEmpty(), OVERVIEW,
                "the retried job to leave the dead letters");
        assertThat(browser.findAll("#dead tbody tr[data-job-id]")).hasSize(1);
        assertThat(browser.find("#dead tbody tr[data-job-id='" + kept + "']")).isNotNull();
    }

    /** What SQS does after maxReceiveCount failed receives: the job's parse message moves to the dead-letter queue. */
    private void deadLetter(String jobId) {
        QueueNames names = new QueueNames(QueueNames.DEFAULT_PREFIX);
        var sqs = pipeline.sqs().client();
        String dlq = sqs.getQueueUrl(r -> r.queueName(names.deadLetter(Stage.PARSE))).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(dlq).messageBody(StageMessageJson.write(
                new StageMessage(new JobId(jobId), Stage.PARSE, Priority.DEFAULT, 1, "dashboard-test"))));
    }

    @Test
    @Order(10)
    void overview_countsChartAndQueues_aScreenshotOfThePopulatedDashboard_thenEscapeClosesTheJob() throws Exception {
        browser.click(browser.find("#jobs tbody button[data-job-id='" + completedJob + "']"));
        awaitDetailStatus(completedJob, "completed");

        HeadlessChromium.await(() -> "3".equals(browser.textOf("#counts div[data-status=completed] dd"))
                && browser.textOf("#chart-note").startsWith("3 "), OVERVIEW, "3 completed jobs counted and charted");
        assertThat(browser.textOf("#counts div[data-status=failed] dd")).isEqualTo("2");
        assertThat(browser.textOf("#counts div[data-status=cancelled] dd")).isEqualTo("1");
        assertThat(browser.textOf("#chart-note")).startsWith("3 completed in the last hour");
        assertThat(browser.findAll("#chart svg rect.bar")).hasSize(12);
        assertThat(browser.script("return document.querySelector('#chart svg').getAttribute('aria-label')").asText())
                .contains("3 in all");
        assertThat(browser.findAll("#queues tbody tr")).hasSize(4);
        assertThat(browser.textOf("#queues tr[data-stage=render] th")).isEqualTo("render");

        assertThat(lowContrastText()).as("text contrast with every panel populated").isEmpty();
        assertThat(browser.consoleMessages()).as("console messages of the whole session")
                .anyMatch(m -> m.contains("status of 403")) // the refused key: the log is being read
                .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused to"))
                .noneMatch(m -> m.startsWith("SEVERE") && !m.contains("the server responded with a status of 40"));

        byte[] png = browser.fullPageScreenshot();
        Files.write(SCREENSHOT, png);
        assertThat(png).startsWith(new byte[]{(byte) 0x89, 'P', 'N', 'G'});
        assertThat(png.length).isGreaterThan(50_000);

        browser.script("document.getElementById('download').focus()");
        browser.press(HeadlessChromium.ESCAPE);
        assertThat(browser.shown("#detail-section")).as("Escape closes the job").isFalse();
        assertThat(browser.script("return document.activeElement.id").asText()).isEqualTo("jobs-heading");
    }

    @Test
    @Order(11)
    void aCompletedJob_isErasedFromItsDetail_onlyAfterTheConfirmation() {
        String id = submitPasted("# Erase me\n\nA document its owner wants gone.", "to-erase.md", "markdown");
        awaitDetailStatus(id, "completed");
        assertThat(browser.shown("#download")).isTrue();

        browser.click(browser.find("#erase-job"));
        assertThat(browser.shown("#erase-confirm")).as("a confirmation first").isTrue();
        assertThat(browser.textOf("#erase-confirm-text")).contains("cannot be undone");
        browser.click(browser.find("#erase-confirm-no"));
        assertThat(browser.shown("#erase-confirm")).isFalse();
        assertThat(detailField("status")).as("kept when not confirmed").isEqualTo("completed");

        browser.click(browser.find("#erase-job"));
        browser.click(browser.find("#erase-confirm-yes"));

        awaitDetailStatus(id, "erased");
        HeadlessChromium.await(() -> "erased".equals(rowStatus(id)), SOON, "the table row to show erased");
        assertThat(browser.shown("#download")).isFalse();
        assertThat(browser.shown("#erase-job")).isFalse();
        assertThat(browser.shown("#erase-confirm")).isFalse();
        assertThat(browser.textOf("#detail-fields")).doesNotContain("to-erase.md");
        assertThat(pipeline.components().store().get(new dev.docpipe.job.JobId(id)).orElseThrow().status())
                .isEqualTo(dev.docpipe.job.JobStatus.ERASED);
    }

    // --- helpers

    /** Presses Tab {@code times} times from the top of a freshly opened page; the ids of the focused elements. */
    private List<String> tabThrough(int times) {
        return tabThrough(times, new ArrayList<>());
    }

    private List<String> tabThrough(int times, List<String> outlines) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            browser.press(HeadlessChromium.TAB);
            JsonNode focused = browser.script("const e = document.activeElement; const s = getComputedStyle(e);"
                    + "return {id: e.id || '', outline: s.outlineStyle + ' ' + s.outlineWidth};");
            String id = focused.path("id").asText();
            if (!id.isEmpty() && (ids.isEmpty() || !ids.get(ids.size() - 1).equals(id))) {
                ids.add(id);
                outlines.add(focused.path("outline").asText());
            }
        }
        return ids;
    }

    /** Form controls with no label text and no aria label. */
    private List<String> unlabelledControls() {
        List<String> bad = new ArrayList<>();
        browser.script("return [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.type !== 'hidden')"
                + ".filter(e => !([...(e.labels || [])].some(l => l.textContent.trim())"
                + " || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')))"
                + ".map(e => e.id || e.name || e.outerHTML.substring(0, 60));").forEach(n -> bad.add(n.asText()));
        return bad;
    }

    /** Visible, enabled text whose contrast with its background is under WCAG AA's 4.5:1. */
    private List<String> lowContrastText() {
        List<String> bad = new ArrayList<>();
        browser.script("""
                const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
                    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
                const background = (e) => {
                  for (; e; e = e.parentElement) {
                    const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c.length === 3 || c[3] > 0) { return c.slice(0, 3); }
                  }
                  return [255, 255, 255];
                };
                const bad = [];
                document.querySelectorAll('body *').forEach(e => {
                  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own || !e.getClientRects().length || e.closest('[hidden]') || e.matches(':disabled')) { return; }
                  const fg = lum(rgb(getComputedStyle(e).color).slice(0, 3));
                  const bg = lum(background(e));
                  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
                  if (ratio < 4.5) { bad.push(e.tagName + ' "' + e.textContent.trim().substring(0, 30) + '" ' + ratio.toFixed(2)); }
                });
                return bad;""").forEach(n -> bad.add(n.asText()));
        return bad;
    }

    /** Submits pasted content through the form; the new job's id. */
    private String submitPasted(String content, String filename, String format) {
        chooseSource("paste");
        browser.clear(browser.find("#content"));
        browser.clear(browser.find("#filename"));
        browser.type(browser.find("#content"), content);
        browser.type(browser.find("#filename"), filename);
        select("#format", format);
        return submitAndAwaitId();
    }

    private void chooseSource(String source) {
        browser.click(browser.find("#source-" + source));
    }

    private void select(String css, String value) {
        browser.click(browser.find(css + " option[value='" + value + "']"));
        assertThat(browser.property(browser.find(css), "value")).isEqualTo(value);
    }

    /** Clicks Submit; the job id the form then reports (a new one: the previous is read before the click). */
    private String submitAndAwaitId() {
        String before = submittedId();
        browser.click(browser.find("#submit-button"));
        HeadlessChromium.await(() -> !submittedId().isEmpty() && !submittedId().equals(before), SOON,
                "the submit answer (" + browser.textOf("#submit-result") + ")");
        return submittedId();
    }

    private String submittedId() {
        return browser.script("return document.getElementById('submit-result').dataset.jobId || ''").asText();
    }

    /** Waits, without reloading, for the detail panel of job {@code id} to show {@code status} (live refresh). */
    private void awaitDetailStatus(String id, String status) {
        HeadlessChromium.await(() -> id.equals(detailField("id")) && status.equals(detailField("status")), PIPELINE,
                "job " + id + " to show " + status + " (shows " + detailField("status") + ")");
    }

    private String detailField(String name) {
        return browser.textOf("#detail-fields dd[data-field='" + name + "']");
    }

    private List<String> rowStatuses() {
        List<String> out = new ArrayList<>();
        browser.script("return [...document.querySelectorAll('#jobs tbody tr[data-job-id]')].map(r => r.dataset.status)")
                .forEach(n -> out.add(n.asText()));
        return out;
    }

    private List<String> rowIds() {
        List<String> out = new ArrayList<>();
        browser.script("return [...document.querySelectorAll('#jobs tbody tr[data-job-id]')].map(r => r.dataset.jobId)")
                .forEach(n -> out.add(n.asText()));
        return out;
    }

    private String rowStatus(String id) {
        JsonNode status = browser.script("const r = document.querySelector(\"#jobs tbody tr[data-job-id='\" + arguments[0]"
                + " + \"']\"); return r ? r.dataset.status : null;", id);
        return status.isNull() ? null : status.asText();
    }

    private static Path awaitDownload() throws IOException {
        HeadlessChromium.await(() -> pdfs().size() == 1, PIPELINE, "one finished PDF download in " + DOWNLOADS);
        return pdfs().get(0);
    }

    private static List<Path> pdfs() {
        try (Stream<Path> files = Files.list(DOWNLOADS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pdf")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
