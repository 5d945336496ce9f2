package dev.docpipe.adapter.s3;

import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs.Blob;
import org.junit.jupiter.api.Test;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link S3Blobs#copy} (CopyObject, metadata replaced) and {@link S3Blobs#deleteAll} (DeleteObjects) over the S3
 * protocol. Run against s3proxy and against moto, two implementations of S3 nobody on this project wrote.
 */
abstract class S3BlobsCopyContract {

    /** The bucket every test writes to; each server's test class creates it. */
    static final String BUCKET = "docpipe-copy-it";

    /** The adapter under test. */
    protected abstract S3Blobs blobs();

    private BlobRef ref(String key) {
        return new BlobRef(BUCKET, UUID.randomUUID() + "/" + key);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void copy_writesTheBytesWithTheNewContentTypeAndMetadata_andLeavesTheSource() {
        BlobRef from = ref("work/rendered.pdf");
        BlobRef to = ref("pdf/published.pdf");
        byte[] pdf = bytes("%PDF-1.7 three pages");
        blobs().put(from, pdf, "application/octet-stream", Map.of("pages", "3", "stage", "render"));

        boolean copied = blobs().copy(from, to, "application/pdf", Map.of("pages", "3", "job-id", "j-1"));

        assertThat(copied).isTrue();
        Blob published = blobs().get(to).orElseThrow();
        assertThat(published.bytes()).isEqualTo(pdf);
        assertThat(published.info().contentType()).isEqualTo("application/pdf");
        assertThat(published.info().metadata()).isEqualTo(Map.of("pages", "3", "job-id", "j-1"));
        Blob source = blobs().get(from).orElseThrow();
        assertThat(source.bytes()).isEqualTo(pdf);
        assertThat(source.info().metadata()).isEqualTo(Map.of("pages", "3", "stage", "render"));
    }

    @Test
    void copy_ofAMissingSource_isFalse_andWritesNothing() {
        BlobRef to = ref("pdf/never.pdf");

        assertThat(blobs().copy(ref("work/gone.pdf"), to, "application/pdf", Map.of())).isFalse();

        assertThat(blobs().head(to)).isEmpty();
    }

    @Test
    void copy_overAnExistingObject_replacesIt() {
        BlobRef from = ref("work/second.pdf");
        BlobRef to = ref("pdf/twice.pdf");
        blobs().put(to, bytes("first"), "application/pdf", Map.of("v", "1"));
        blobs().put(from, bytes("second"), "application/pdf", Map.of());

        assertThat(blobs().copy(from, to, "application/pdf", Map.of("v", "2"))).isTrue();

        Blob published = blobs().get(to).orElseThrow();
        assertThat(published.bytes()).isEqualTo(bytes("second"));
        assertThat(published.info().metadata()).isEqualTo(Map.of("v", "2"));
    }

    @Test
    void copy_ofKeysWithSpacesAndUnicode() {
        BlobRef from = ref("work/a report ü+1.pdf");
        BlobRef to = ref("pdf/the report é (1).pdf");
        blobs().put(from, bytes("pdf"), "application/pdf", Map.of());

        assertThat(blobs().copy(from, to, "application/pdf", Map.of())).isTrue();

        assertThat(blobs().get(to).orElseThrow().bytes()).isEqualTo(bytes("pdf"));
    }

    @Test
    void deleteAll_removesEveryObjectNamed_missingOnesAreFine_othersStay() {
        String prefix = UUID.randomUUID() + "/work/";
        List<BlobRef> refs = IntStream.range(0, 4).mapToObj(i -> new BlobRef(BUCKET, prefix + i)).toList();
        refs.forEach(r -> blobs().put(r, bytes(r.key()), "text/plain", Map.of()));

        blobs().deleteAll(List.of(refs.get(0), refs.get(2), new BlobRef(BUCKET, prefix + "never-written")));

        assertThat(blobs().head(refs.get(0))).isEmpty();
        assertThat(blobs().head(refs.get(2))).isEmpty();
        assertThat(blobs().get(refs.get(1)).orElseThrow().bytes()).isEqualTo(bytes(refs.get(1).key()));
        assertThat(blobs().get(refs.get(3)).orElseThrow().bytes()).isEqualTo(bytes(refs.get(3).key()));
    }

    @Test
    void deleteAll_ofMoreKeysThanOneRequestTakes_deletesThemAll() {
        String prefix = UUID.randomUUID() + "/many/";
        List<BlobRef> refs = IntStream.range(0, 1_003).mapToObj(i -> new BlobRef(BUCKET, prefix + i)).toList();
        refs.forEach(r -> blobs().put(r, new byte[0], "text/plain", Map.of()));
        assertThat(blobs().list(BUCKET, prefix, null, 2_000)).hasSize(1_003);

        blobs().deleteAll(refs);

        assertThat(blobs().list(BUCKET, prefix, null, 2_000)).isEmpty();
    }

    @Test
    void deleteAll_ofNothing_isFine() {
        blobs().deleteAll(List.of());
    }
}
