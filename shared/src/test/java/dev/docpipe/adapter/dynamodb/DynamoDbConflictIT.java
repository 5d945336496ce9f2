package dev.docpipe.adapter.dynamodb;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.testing.DynamoDb;
import dev.docpipe.testing.DynamoFaultProxy;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What DynamoDB answers under contention, and neither stand-in ever does: cancellation reasons
 * {@code TransactionConflict} and {@code ThrottlingError}, and a plain write's
 * {@code TransactionConflictException}. A proxy in front of the stand-in sends DynamoDB's own error
 * bodies to the SDK; the store must retry them and, if they persist, say the store is unavailable —
 * never that the job is not found.
 */
class DynamoDbConflictIT {
    private static final String TRANSACT = "TransactWriteItems";
    private static final String UPDATE = "UpdateItem";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private DynamoFaultProxy proxy;
    private DynamoDbClient client;
    private DynamoDbJobStore store;
    private Job running;
    private int transactsBefore;
    private int updatesBefore;

    @BeforeEach
    void start() throws IOException {
        proxy = new DynamoFaultProxy(DynamoDb.server().endpoint());
        client = DynamoDbClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        String table = "docpipe-conflicts-" + UUID.randomUUID();
        DynamoDbTables.createJobsTable(client, table);
        store = new DynamoDbJobStore(client, table, clock);
        Job job = store.createIfAbsent(Jobs.queued("alice", clock.instant())).job();
        running = store.transition(job.id(), JobStatus.QUEUED, 1,
                JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.STORE).build());
        transactsBefore = proxy.calls(TRANSACT);
        updatesBefore = proxy.calls(UPDATE);
    }

    private int transacts() {
        return proxy.calls(TRANSACT) - transactsBefore;
    }

    private int updates() {
        return proxy.calls(UPDATE) - updatesBefore;
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    private JobChange complete() {
        return JobChange.to(JobStatus.COMPLETED, clock.instant())
                .result(new JobResult("s3://docpipe/pdf/" + running.id().value() + ".pdf", 2, 2048))
                .stamp("completed", clock.instant()).expiresAt(clock.instant().plus(Duration.ofDays(30))).build();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"TransactionConflict,None", "None,TransactionConflict", "ThrottlingError,None",
            "None,ThrottlingError"})
    void transactionCancelledForAConflictOrThrottling_isRetriedAndTheTransitionHappens(String reasons) {
        proxy.cancelTransactions(TRANSACT, 2, Arrays.asList(reasons.split(",")));

        Job done = store.transition(running.id(), JobStatus.RUNNING, 1, complete());

        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(store.get(running.id())).contains(done);
        assertThat(transacts()).as("cancelled twice, then written").isEqualTo(3);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"TransactionConflict,None", "None,TransactionConflict", "ThrottlingError,None"})
    void transactionCancelledForAConflictEveryTime_isStoreUnavailable_neverNotFound(String reasons) {
        proxy.cancelTransactions(TRANSACT, DynamoDbJobStore.MAX_CONFLICT_ROUNDS, Arrays.asList(reasons.split(",")));

        assertThatThrownBy(() -> store.transition(running.id(), JobStatus.RUNNING, 1, complete()))
                .isNotInstanceOf(JobNotFoundException.class)
                .isInstanceOfSatisfying(DocpipeException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThat(transacts()).isEqualTo(DynamoDbJobStore.MAX_CONFLICT_ROUNDS);
        assertThat(store.get(running.id())).contains(running);
    }

    @Test
    void transactionCancelledByTheJobsOwnCondition_isStale_andByTheDedupItemAlone_isNotFound_withoutRetries() {
        // the stand-in's own cancellation [ConditionalCheckFailed, None] with the job as it is (ALL_OLD)
        assertThatThrownBy(() -> store.transition(running.id(), JobStatus.RUNNING, 2, complete()))
                .isInstanceOf(StaleTransitionException.class);

        proxy.cancelTransactions(TRANSACT, 1, List.of("None", "ConditionalCheckFailed"));
        assertThatThrownBy(() -> store.transition(running.id(), JobStatus.RUNNING, 1, complete()))
                .isInstanceOf(JobNotFoundException.class);
        assertThat(transacts()).isEqualTo(2);
    }

    @Test
    void plainUpdateMeetingATransactionConflict_isRetried() {
        proxy.conflict(UPDATE, 2);

        Job progressed = store.transition(running.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, clock.instant()).progress(50).build());

        assertThat(progressed.progress()).isEqualTo(50);
        assertThat(store.get(running.id())).contains(progressed);
        assertThat(updates()).isEqualTo(3);
    }

    @Test
    void plainUpdateConflictingEveryTime_isStoreUnavailable() {
        proxy.conflict(UPDATE, DynamoDbJobStore.MAX_CONFLICT_ROUNDS);

        assertThatThrownBy(() -> store.transition(running.id(), JobStatus.RUNNING, 1,
                JobChange.to(JobStatus.RUNNING, clock.instant()).progress(50).build()))
                .isInstanceOfSatisfying(DocpipeException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThat(store.get(running.id())).contains(running);
    }

    @Test
    void createCancelledForAConflict_isRetriedAndCreatesOnce() {
        Job candidate = Jobs.queued("bob", clock.instant());
        proxy.cancelTransactions(TRANSACT, 1, List.of("TransactionConflict", "None"));

        assertThat(store.createIfAbsent(candidate).created()).isTrue();
        assertThat(store.get(candidate.id())).contains(candidate);
    }
}
