package dev.docpipe.adapter.dynamodb;

import dev.docpipe.standins.moto.MotoServer;
import dev.docpipe.testing.DynamoDb;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;

/**
 * The same store contract and table checks against moto, an implementation of DynamoDB nobody on
 * this project wrote: a misreading of DynamoDB shared by the adapter and the project's stand-in
 * shows up here. Skipped, with the reason, where Python's moto is missing.
 */
class MotoDynamoDbJobStoreIT extends DynamoDbJobStoreIT {
    @BeforeAll
    static void motoIsHere() {
        DynamoDb.assumeMoto();
    }

    @Override
    protected DynamoDbClient client() {
        return DynamoDb.motoClient();
    }

    @Override
    protected URI endpoint() {
        return MotoServer.shared().endpoint();
    }
}
