package dev.docpipe.adapter.s3;

import dev.docpipe.standins.s3.S3StandIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link S3BlobsCopyContract} against the s3proxy stand-in the pipeline runs on. */
class S3ProxyBlobsCopyIT extends S3BlobsCopyContract {
    private static S3Client s3;
    private static S3Blobs blobs;

    @BeforeAll
    static void start() {
        S3StandIn server = S3StandIn.shared();
        server.createBucket(BUCKET);
        s3 = server.newClient();
        blobs = new S3Blobs(s3, server.newPresigner());
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Override
    protected S3Blobs blobs() {
        return blobs;
    }
}
