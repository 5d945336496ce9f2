package dev.docpipe.local;

import com.sun.net.httpserver.HttpServer;
import dev.docpipe.config.Config;
import dev.docpipe.fetch.FetchPolicy;
import dev.docpipe.fetch.HostResolver;
import dev.docpipe.fetch.PublicAddressPolicy;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.pipeline.IntakeRequest;
import dev.docpipe.port.BlobRef;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile documents and URLs through the whole pipeline. A loopback HTTP server counts every request
 * a document or URL job could make; it must see none. For the redirect case a test resolver makes
 * {@code public.test} resolve to 127.0.0.2, which only this test's policy treats as public.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
    private final AtomicInteger loopbackRequests = new AtomicInteger();
    private HttpServer loopback;
    private HttpServer pretendPublic;
    private LocalPipeline pipeline;
    private S3Client s3;

    @BeforeAll
    void start() throws Exception {
        loopback = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        loopback.createContext("/", exchange -> {
            loopbackRequests.incrementAndGet();
            byte[] body = "root:x:0:0:leaked".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        loopback.start();
        pretendPublic = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        pretendPublic.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + loopback.getAddress().getPort() + "/secret");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        pretendPublic.start();
        InetAddress pretend = InetAddress.getByName("127.0.0.2");
        HostResolver resolver = host -> host.equals("public.test") ? List.of(pretend) : HostResolver.system().resolve(host);
        FetchPolicy defaults = FetchPolicy.publicInternetOnly();
        FetchPolicy policy = new FetchPolicy(a -> a.equals(pretend) || PublicAddressPolicy.INSTANCE.allows(a), resolver,
                defaults.maxRedirects(), defaults.connectTimeout(), defaults.totalTimeout(), defaults.maxBytes(),
                Set.of(80, 443, pretendPublic.getAddress().getPort(), loopback.getAddress().getPort()));
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(q -> q, b -> b, (n, h) -> h, policy);
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.POSTGRES, false).withHooks(hooks));
        s3 = pipeline.s3().newClient();
    }

    @AfterAll
    void stop() {
        s3.close();
        pipeline.close();
        loopback.stop(0);
        pretendPublic.stop(0);
    }

    private Job upload(String name, byte[] content) throws InterruptedException {
        String key = "uploads/hostile/" + name;
        s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key(key), RequestBody.fromBytes(content));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            Job job = pipeline.components().store().listByOwner("hostile", dev.docpipe.port.JobQuery.all(100)).items()
                    .stream().filter(j -> name.equals(j.filename())).findFirst().orElse(null);
            if (job != null && job.status().isTerminal()) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not finish in time");
    }

    private Job urlJob(String url) throws InterruptedException {
        JobId id = pipeline.components().intake().submit(new IntakeRequest("hostile-url", Source.url(url), null, null,
                Priority.DEFAULT, Map.of(), "url:" + url, -1, "t")).job().id();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        Job job = pipeline.components().store().get(id).orElseThrow();
        while (!job.status().isTerminal() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            job = pipeline.components().store().get(id).orElseThrow();
        }
        return job;
    }

    private String pdfText(Job job) throws Exception {
        byte[] pdf = pipeline.components().blobs().get(BlobRef.parse(job.result().pdfLocation())).orElseThrow().bytes();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    @Test
    void externalResourcesInADocument_makeZeroRequests() throws Exception {
        String base = "http://127.0.0.1:" + loopback.getAddress().getPort();
        String html = "<html><head><link rel=stylesheet href='" + base + "/css'><style>@import url('" + base + "/imp');"
                + "body{background:url('" + base + "/bg')}</style></head><body><h1>Hostile</h1>"
                + "<img src='" + base + "/img'><iframe src='" + base + "/frame'></iframe>"
                + "<object data='" + base + "/obj'></object><p style=\"background:url('" + base + "/inline')\">text stays</p>"
                + "<svg><image href='" + base + "/svg'/></svg></body></html>";

        Job job = upload("resources.html", html.getBytes(StandardCharsets.UTF_8));

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pdfText(job)).contains("text stays");
        Thread.sleep(500);
        assertThat(loopbackRequests.get()).isZero();
    }

    @Test
    void xxeAndFileReferences_leakNothingOfTheFile() throws Exception {
        String html = "<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<html><body><p>before &xxe; after</p><img src='file:///etc/passwd'>"
                + "<iframe src='file:///etc/passwd'></iframe><a href='file:///etc/passwd'>link</a></body></html>";

        Job job = upload("xxe.html", html.getBytes(StandardCharsets.UTF_8));

        if (job.status() == JobStatus.COMPLETED) {
            assertThat(pdfText(job)).doesNotContain("root:").doesNotContain("/bin/");
        } else {
            assertThat(job.error().code()).isIn(ErrorCode.UNSUPPORTED_CONTENT, ErrorCode.RENDER_FAILED);
        }
    }

    @Test
    void urlJobsToNonPublicAddresses_failAsFetchBlocked() throws Exception {
        int port = loopback.getAddress().getPort();
        for (String url : List.of("http://127.0.0.1:" + port + "/", "http://[::1]:" + port + "/",
                "http://[::ffff:127.0.0.1]:" + port + "/", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/", "http://public.test:" + pretendPublic.getAddress().getPort() + "/redirect")) {
            Job job = urlJob(url);
            assertThat(job.status()).as(url).isEqualTo(JobStatus.FAILED);
            assertThat(job.error().code()).as(url).isEqualTo(ErrorCode.FETCH_BLOCKED);
        }
        assertThat(loopbackRequests.get()).isZero();
    }

    @Test
    void binaryGarbage_failsAsUnsupportedContent() throws Exception {
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);

        Job job = upload("garbage.bin", garbage);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.error().code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT);
    }

    @Test
    void invalidUtf8_becomesAPdfWithReplacementCharacters() throws Exception {
        byte[] bytes = "valid start \u00e9 then ".getBytes(StandardCharsets.UTF_8);
        byte[] invalid = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, invalid, 0, bytes.length);
        invalid[bytes.length] = (byte) 0xC3;
        invalid[bytes.length + 1] = (byte) 0x28;
        invalid[bytes.length + 2] = (byte) 0xA0;
        invalid[bytes.length + 3] = (byte) 0x41;

        Job job = upload("invalid-utf8.txt", invalid);

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pdfText(job)).contains("valid start").contains("\uFFFD");
    }

    @Test
    void deepNestingAndAHugeTable_endWithAPdfOrAClearLimitError() throws Exception {
        StringBuilder deep = new StringBuilder();
        deep.append("<div>".repeat(100_000)).append("deep").append("</div>".repeat(100_000));
        StringBuilder table = new StringBuilder("<table>");
        for (int i = 0; i < 10_000; i++) {
            table.append("<tr><td>row ").append(i).append("</td><td>cell</td></tr>");
        }
        table.append("</table>");

        Job nested = upload("deep.html", deep.toString().getBytes(StandardCharsets.UTF_8));
        Job rows = upload("table.html", table.toString().getBytes(StandardCharsets.UTF_8));

        for (Job job : List.of(nested, rows)) {
            if (job.status() == JobStatus.FAILED) {
                assertThat(job.error().code()).as(job.filename())
                        .isIn(ErrorCode.TOO_LARGE, ErrorCode.TOO_MANY_PAGES, ErrorCode.RENDER_TIMEOUT);
                assertThat(job.error().message()).isNotBlank();
            } else {
                assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
            }
        }
    }

    /** Every CSS property (and at-rule) that can name a URL, all pointing at the loopback canary. */
    @Test
    void hostileCss_urlsInEveryPropertyImportsFontFacesExpressions_makeZeroRequests() throws Exception {
        String base = "http://127.0.0.1:" + loopback.getAddress().getPort();
        List<String> properties = List.of("background", "background-image", "list-style", "list-style-image", "content",
                "cursor", "border-image", "border-image-source", "mask", "mask-image", "filter", "behavior",
                "-moz-binding", "shape-outside", "clip-path", "src", "-fs-pdf-font-embed", "-webkit-mask-image");
        StringBuilder css = new StringBuilder("@import url('" + base + "/import1'); @import '" + base + "/import2';\n"
                + "@font-face { font-family: Remote; src: url('" + base + "/font.ttf') format('truetype'); }\n"
                + "@font-face { font-family: Local; src: local('Arial'), url(" + base + "/font2.woff); }\n"
                + "@page { background: url(" + base + "/page); @top-center { content: url(" + base + "/margin) } }\n"
                + "body { font-family: Remote, Local; width: expression(fetch('" + base + "/expr')); }\n"
                + "p::before { content: url(" + base + "/before) \" \"; }\n");
        StringBuilder inline = new StringBuilder();
        for (String property : properties) {
            css.append(".c-").append(property.replace("-", "_")).append(" { ").append(property).append(": url('")
                    .append(base).append("/p/").append(property).append("'); }\n");
            inline.append(property).append(": url(").append(base).append("/s/").append(property).append("); ");
        }
        String html = "<html><head><style>" + css + "</style><style media=print>@import url(" + base + "/import3);</style>"
                + "</head><body><h1>Hostile CSS</h1><p class='c-background c-content c-cursor' style=\"" + inline + "\">"
                + "styled text stays</p><ul><li class='c-list-style'>item</li></ul></body></html>";

        Job job = upload("css-urls.html", html.getBytes(StandardCharsets.UTF_8));

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pdfText(job)).contains("styled text stays").contains("item");
        Thread.sleep(500);
        assertThat(loopbackRequests.get()).isZero();
    }

    /**
     * Stylesheets over the limits fail TOO_LARGE at parse; counter loops and deep at-rule nesting
     * end in a PDF or a stable error; none makes a request.
     */
    @Test
    void hugeOrLoopingStylesheets_endWithAPdfOrAStableError() throws Exception {
        String base = "http://127.0.0.1:" + loopback.getAddress().getPort();
        String body = "<body><p>visible text</p></body></html>";
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            rules.append(".r").append(i).append(" { color: #").append(String.format("%06x", i)).append("; background: url(")
                    .append(base).append("/r").append(i).append("); }\n");
        }
        String fiveMegabytes = "p { color: red; }\n/*" + "x".repeat(5 * 1024 * 1024) + "*/";
        String deepSelector = "div ".repeat(1_000) + "p { color: red; background: url(" + base + "/deep); }";
        String deepBlocks = "@media print { ".repeat(1_000) + "p { color: red }" + " }".repeat(1_000);
        StringBuilder counters = new StringBuilder("<html><head><style>"
                + "* { counter-increment: a 1000000 b -1000000; counter-reset: c; }"
                + "p::before, p::after { content: counter(a) counters(b, '.') counter(c, upper-roman) url(" + base + "/ctr); }"
                + "li { counter-increment: a b c; } ol { counter-reset: a b c; }"
                + "</style></head><body>");
        for (int i = 0; i < 2_000; i++) {
            counters.append("<ol><li><p>loop ").append(i).append("</p></li></ol>");
        }
        counters.append("</body></html>");

        Job manyRules = upload("css-rules.html", ("<html><head><style>" + rules + "</style></head>" + body).getBytes(StandardCharsets.UTF_8));
        Job huge = upload("css-5mb.html", ("<html><head><style>" + fiveMegabytes + "</style></head>" + body).getBytes(StandardCharsets.UTF_8));
        Job deep = upload("css-deep.html", ("<html><head><style>" + deepSelector + "</style></head>" + body).getBytes(StandardCharsets.UTF_8));
        Job nested = upload("css-nested.html", ("<html><head><style>" + deepBlocks + "</style></head>" + body).getBytes(StandardCharsets.UTF_8));
        Job loops = upload("css-counters.html", counters.toString().getBytes(StandardCharsets.UTF_8));

        for (Job job : List.of(manyRules, huge, deep)) {
            assertThat(job.status()).as(job.filename()).isEqualTo(JobStatus.FAILED);
            assertThat(job.error().code()).as(job.filename()).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(job.error().message()).as(job.filename()).containsIgnoringCase("css");
        }
        for (Job job : List.of(nested, loops)) {
            if (job.status() == JobStatus.FAILED) {
                assertThat(job.error().code()).as(job.filename())
                        .isIn(ErrorCode.TOO_LARGE, ErrorCode.TOO_MANY_PAGES, ErrorCode.RENDER_TIMEOUT);
            } else {
                assertThat(job.status()).as(job.filename()).isEqualTo(JobStatus.COMPLETED);
            }
        }
        assertThat(loops.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pdfText(loops)).contains("loop 1999");
        Thread.sleep(500);
        assertThat(loopbackRequests.get()).isZero();
    }
}
