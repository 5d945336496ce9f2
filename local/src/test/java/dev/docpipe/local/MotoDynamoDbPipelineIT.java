package dev.docpipe.local;

import dev.docpipe.config.Config;
import dev.docpipe.standins.moto.MotoServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/**
 * The end-to-end pipeline with the DynamoDB job store on moto instead of the project's stand-in:
 * the adapter's reading of DynamoDB checked against an implementation nobody here wrote. Skipped,
 * with the reason, where Python's moto is missing.
 */
class MotoDynamoDbPipelineIT extends PipelineContract {
    @Override
    protected Config.StoreKind store() {
        return Config.StoreKind.DYNAMODB;
    }

    @Override
    @BeforeAll
    void startPipeline() {
        Assumptions.assumeTrue(MotoServer.unavailableReason().isEmpty(),
                () -> "moto is not available: " + MotoServer.unavailableReason().orElse(""));
        pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(store(), true).withSettings(
                Map.of(LocalPipeline.DYNAMODB_ENDPOINT, MotoServer.shared().endpoint().toString())));
        s3 = pipeline.s3().newClient();
    }
}
