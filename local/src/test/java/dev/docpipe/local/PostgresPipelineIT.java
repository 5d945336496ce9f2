package dev.docpipe.local;

import dev.docpipe.config.Config;

/** The end-to-end pipeline with the PostgreSQL job store. */
class PostgresPipelineIT extends PipelineContract {
    @Override
    protected Config.StoreKind store() {
        return Config.StoreKind.POSTGRES;
    }
}
