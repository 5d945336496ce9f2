package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.extend.FSStream;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ResourceGuardTest {
    private static final String PNG = "data:image/png;base64,"
            + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private final ResourceGuard guard = new ResourceGuard();

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/x.png", "https://example.org/x.png", "file:///etc/passwd",
            "FILE:///etc/passwd", "jar:file:/x.jar!/a.png", "jrt:/java.base", "classpath:fonts/x.ttf",
            "ftp://example.org/x", "//example.org/x.png", "x.png", "/etc/passwd", "about:blank",
            " data:image/png;base64,AAAA", "DATA:image/png;base64,AAAA", ""})
    void everythingButDataUris_isRefusedByEveryLayer(String uri) {
        assertThat(guard.allowBeforeResolving(uri, ExternalResourceType.IMAGE_RASTER)).isFalse();
        assertThat(guard.allowAfterResolving(uri, ExternalResourceType.IMAGE_RASTER)).isFalse();
        assertThat(guard.resolveURI(ResourceGuard.BASE_URI, uri)).isNull();
        assertThat(guard.refusedCount()).isEqualTo(3);
    }

    @Test
    void dataUriImage_passes() {
        assertThat(guard.allowBeforeResolving(PNG, ExternalResourceType.IMAGE_RASTER)).isTrue();
        assertThat(guard.resolveURI(ResourceGuard.BASE_URI, PNG)).isEqualTo(PNG);
        assertThat(guard.allowAfterResolving(PNG, ExternalResourceType.IMAGE_RASTER)).isTrue();
        assertThat(guard.refusedCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ExternalResourceType.class, names = "IMAGE_RASTER", mode = EnumSource.Mode.EXCLUDE)
    void dataUris_ofOtherKinds_areRefused(ExternalResourceType type) {
        assertThat(guard.allowBeforeResolving("data:text/css,body%7Bcolor:red%7D", type)).isFalse();
        assertThat(guard.allowAfterResolving("data:font/ttf;base64,AAAA", type)).isFalse();
    }

    @Test
    void nullUri_isRefused() {
        assertThat(guard.allowBeforeResolving(null, ExternalResourceType.IMAGE_RASTER)).isFalse();
        assertThat(guard.resolveURI(null, null)).isNull();
    }

    @Test
    void tooLongDataUri_isRefused() {
        String huge = "data:image/png;base64," + "A".repeat(ResourceGuard.MAX_DATA_URI_CHARS);

        assertThat(guard.allowBeforeResolving(huge, ExternalResourceType.IMAGE_RASTER)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/x", "https://example.org/", "file:///etc/passwd", "", "garbage"})
    void denyingStreams_areEmptyAndNeverThrow(String uri) throws IOException {
        FSStream stream = ResourceGuard.DENYING_STREAMS.getUrl(uri);

        assertThat(stream).isNotNull(); // a null FSStream would be dereferenced by openhtmltopdf
        assertThat(stream.getStream()).isNull();
        assertThat(stream.getReader()).isNull();
    }

    @Test
    void dataStreams_decodeAnImage() throws IOException {
        try (InputStream in = guard.dataStreams().getUrl(PNG).getStream()) {
            assertThat(in.readAllBytes()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }

    @Test
    void dataStreams_refuseADecompressionBomb() {
        String bomb = "data:image/png;base64," + Base64.getEncoder().encodeToString(PngBomb.header(50_000, 50_000));

        assertThat(guard.dataStreams().getUrl(bomb).getStream()).isNull();
        assertThat(guard.refusedCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:", "data:,", "data:image/png;base64,!!!not base64!!!", "data:image/png;base64",
            "http://127.0.0.1/", "data:image/png;base64,iVBORw0KGgo="})
    void dataStreams_neverThrow(String uri) {
        assertThatCode(() -> guard.dataStreams().getUrl(uri)).doesNotThrowAnyException();
        assertThat(guard.dataStreams().getUrl(uri)).isNotNull();
    }
}
