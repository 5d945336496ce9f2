package dev.docpipe.local;

import dev.docpipe.config.Config;

/** The end-to-end pipeline with the DynamoDB job store. */
class DynamoDbPipelineIT extends PipelineContract {
    @Override
    protected Config.StoreKind store() {
        return Config.StoreKind.DYNAMODB;
    }
}
