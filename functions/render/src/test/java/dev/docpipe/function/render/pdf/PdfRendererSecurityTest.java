package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.sun.net.httpserver.HttpServer;
import dev.docpipe.job.ErrorCode;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The renderer alone keeps a hostile document from reaching the network or the file system. */
class PdfRendererSecurityTest {
    private static final byte[] PNG_1X1 = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static HttpServer server;
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    private static PdfRenderer renderer;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            REQUESTS.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = exchange.getRequestURI().getPath().endsWith(".png") ? PNG_1X1
                    : "body { color: red } LEAKED-FROM-SERVER".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        renderer = new PdfRenderer(RenderLimits.defaults());
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void clearRequests() {
        REQUESTS.clear();
    }

    private static String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every way the brief lists for a document to name an external resource, aimed at the test server. */
    static String hostileDocument(String base) {
        return """
                <!DOCTYPE html>
                <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
                <head>
                  <base href="%1$s/base/" />
                  <title>hostile</title>
                  <link rel="stylesheet" href="%1$s/link.css" />
                  <link rel="stylesheet" href="relative.css" />
                  <style>
                    @import url("%1$s/import.css");
                    @import "%1$s/import2.css";
                    @font-face { font-family: Evil; src: url(%1$s/font.ttf); }
                    body { font-family: "DocSans", sans-serif; background-image: url(%1$s/style-bg.png); }
                    p.evil { font-family: Evil; }
                    li { list-style-image: url(%1$s/bullet.png); }
                  </style>
                </head>
                <body>
                  <h1 id="h">Hostile resources</h1>
                  <p class="evil">Text that survives.</p>
                  <img src="%1$s/img.png" alt="img" />
                  <img src="relative.png" alt="relative" />
                  <img src="//127.0.0.1:%2$d/protocol-relative.png" alt="protocol-relative" />
                  <iframe src="%1$s/iframe.html"></iframe>
                  <object data="%1$s/object.pdf" type="application/pdf"></object>
                  <embed src="%1$s/embed.png" />
                  <div style="background-image: url('%1$s/attr-bg.png'); width: 50px; height: 50px">bg</div>
                  <svg xmlns="http://www.w3.org/2000/svg" width="50" height="50">
                    <image href="%1$s/svg-image.png" width="50" height="50" />
                  </svg>
                  <ul><li>item</li></ul>
                  <a href="%1$s/attachment.bin" download="x.bin">attachment</a>
                  <video src="%1$s/video.mp4" poster="%1$s/poster.png"></video>
                </body>
                </html>
                """.formatted(base, server.getAddress().getPort());
    }

    @Test
    void hostileResources_makeZeroRequests() throws Exception {
        RenderedPdf pdf = renderer.render(hostileDocument(base()), DocumentInfo.titled("hostile"));

        Thread.sleep(300); // a late fetch would show up here
        assertThat(REQUESTS).isEmpty();
        assertThat(pdf.pages()).isGreaterThanOrEqualTo(1);
        assertThat(Pdfs.text(pdf)).contains("Hostile resources", "Text that survives.")
                .doesNotContain("LEAKED-FROM-SERVER");
    }

    /**
     * Control for the test above: the same document through a default openhtmltopdf builder does
     * reach the test server, so zero requests above means the guard worked, not that the
     * document or the server was inert.
     */
    @Test
    void hostileResources_withoutTheGuard_wouldReachTheServer() throws Exception {
        org.w3c.dom.Document dom = new org.jsoup.helper.W3CDom().fromJsoup(
                org.jsoup.Jsoup.parse(hostileDocument(base())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfRendererBuilder().withW3cDocument(dom, base() + "/").toStream(out).run();

        System.out.println("unguarded openhtmltopdf requested: " + REQUESTS);
        assertThat(REQUESTS).isNotEmpty().anyMatch(r -> r.contains("/img.png"))
                .anyMatch(r -> r.contains("/link.css"));
    }

    /**
     * Each of the four layers {@link ResourceGuard} installs, alone on an otherwise default
     * builder (base URI = the test server, so relative references resolve to it too), keeps the
     * server at zero requests: the layers are independent, not four halves of one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"access control before resolving", "uri resolver", "access control after resolving",
            "stream factories"})
    void eachGuardLayerAlone_makesZeroRequests(String layer) throws Exception {
        ResourceGuard guard = new ResourceGuard();
        org.w3c.dom.Document dom = new org.jsoup.helper.W3CDom().fromJsoup(
                org.jsoup.Jsoup.parse(hostileDocument(base())));
        PdfRendererBuilder builder = new PdfRendererBuilder().withW3cDocument(dom, base() + "/");
        switch (layer) {
            case "access control before resolving" -> builder.useExternalResourceAccessControl(
                    guard::allowBeforeResolving, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
            case "uri resolver" -> builder.useUriResolver(guard);
            case "access control after resolving" -> builder.useExternalResourceAccessControl(
                    guard::allowAfterResolving, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
            case "stream factories" -> builder.useHttpStreamImplementation(ResourceGuard.DENYING_STREAMS)
                    .useProtocolsStreamImplementation(ResourceGuard.DENYING_STREAMS, ResourceGuard.DENIED_SCHEMES);
            default -> throw new IllegalArgumentException(layer);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        builder.toStream(out).run();

        Thread.sleep(100);
        assertThat(REQUESTS).isEmpty();
        assertThat(out.size()).isPositive();
        if (!layer.equals("stream factories")) {
            assertThat(guard.refusedCount()).as("requests the layer refused").isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void xxe_externalEntity_isRefusedCleanly() {
        String xhtml = """
                <?xml version="1.0"?>
                <!DOCTYPE html [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
                <html xmlns="http://www.w3.org/1999/xhtml"><head><title>xxe</title></head>
                <body><p>&x;</p></body></html>
                """;

        RenderException e = catchThrowableOfType(RenderException.class,
                () -> renderer.render(xhtml, DocumentInfo.titled("xxe")));

        assertThat(e.code()).isEqualTo(ErrorCode.RENDER_FAILED);
        assertThat(e.getMessage()).contains("DOCTYPE").doesNotContain("\tat ");
    }

    @Test
    void xxe_entityWithoutDeclaration_staysLiteralText() {
        String xhtml = Xhtml.document("entity", "<p>before &x; after &xxe; end</p>");

        String text = Pdfs.text(renderer.render(xhtml, DocumentInfo.titled("entity")));

        assertThat(text).contains("before").contains("end").doesNotContain("root:");
    }

    @Test
    void fileUris_inImgLinkIframe_leaveNothingInThePdf() throws IOException {
        Path secret = Files.createTempFile("docpipe-secret", ".css");
        Files.writeString(secret, "body::after { content: 'SECRET-FILE-CONTENT' } root:x:0:0");
        try {
            String body = """
                    <img src="file:///etc/passwd" alt="a" />
                    <img src="%1$s" alt="b" />
                    <iframe src="file:///etc/passwd"></iframe>
                    <object data="file:///etc/passwd"></object>
                    <p style="background-image: url(file:///etc/passwd)">visible text</p>
                    <p><a href="file:///etc/passwd">a file link</a></p>
                    """.formatted(secret.toUri());
            String xhtml = Xhtml.document("files", Xhtml.PARSE_STAGE_STYLE, body)
                    .replace("</head>", "<link rel=\"stylesheet\" href=\"" + secret.toUri() + "\" />"
                            + "<link rel=\"stylesheet\" href=\"file:///etc/passwd\" />"
                            + "<style>@import url(" + secret.toUri() + ");</style></head>");

            RenderedPdf pdf = renderer.render(xhtml, DocumentInfo.titled("files"));

            String text = Pdfs.text(pdf);
            assertThat(text).contains("visible text").doesNotContain("root:").doesNotContain("SECRET-FILE-CONTENT");
            try (PDDocument doc = Pdfs.load(pdf)) {
                assertThat(Pdfs.linkUris(doc)).noneMatch(u -> u.startsWith("file:"));
            }
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void jarAndClasspathUris_areRefused() {
        String body = """
                <img src="classpath:fonts/DroidSansFallbackFull.ttf" alt="a" />
                <img src="jar:file:///nonexistent.jar!/x.png" alt="b" />
                <p style="background-image: url(jrt:/java.base/module-info.class)">still here</p>
                """;

        RenderedPdf pdf = renderer.render(Xhtml.document("schemes", body), DocumentInfo.titled("schemes"));

        assertThat(Pdfs.text(pdf)).contains("still here");
    }

    @Test
    void dataUriImage_isAllowed() throws IOException {
        String png = java.util.Base64.getEncoder().encodeToString(PNG_1X1);
        String body = "<p>before</p><img src=\"data:image/png;base64," + png
                + "\" style=\"width: 40px; height: 40px\" alt=\"dot\" /><p>after</p>";

        RenderedPdf pdf = renderer.render(Xhtml.document("data", body), DocumentInfo.titled("data"));

        try (PDDocument doc = Pdfs.load(pdf)) {
            var resources = doc.getPage(0).getResources();
            long images = 0;
            for (var name : resources.getXObjectNames()) {
                if (resources.isImageXObject(name)) {
                    images++;
                }
            }
            assertThat(images).isEqualTo(1);
        }
    }

    @Test
    void dataUriImageBomb_isRefusedBeforeDecoding() throws IOException {
        // A valid PNG header declaring 60000 x 60000 pixels (3.6 gigapixels).
        byte[] bomb = PngBomb.header(60_000, 60_000);
        String body = "<p>bomb ahead</p><img src=\"data:image/png;base64,"
                + java.util.Base64.getEncoder().encodeToString(bomb) + "\" alt=\"bomb\" /><p>bomb defused</p>";

        RenderedPdf pdf = renderer.render(Xhtml.document("bomb", body), DocumentInfo.titled("bomb"));

        assertThat(Pdfs.text(pdf)).contains("bomb defused");
    }

    @Test
    void scriptsEventHandlersAndJavascriptLinks_doNotReachThePdf() throws IOException {
        String body = """
                <h1 id="top">Top</h1>
                <script>app.alert('script')</script>
                <p><a href="#top" onclick="app.alert('onclick')">to top</a></p>
                <p><a href="javascript:app.alert('href')">js link</a></p>
                <p><a href="JavaScript:app.alert('href2')">js link 2</a></p>
                <p><a href="https://example.org/ok">fine link</a></p>
                """;

        RenderedPdf pdf = renderer.render(Xhtml.document("js", body), DocumentInfo.titled("js"));

        String raw = new String(pdf.bytes(), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("/JavaScript").doesNotContain("/JS ");
        try (PDDocument doc = Pdfs.load(pdf)) {
            assertThat(Pdfs.linkUris(doc)).containsExactly("https://example.org/ok");
        }
    }
}
