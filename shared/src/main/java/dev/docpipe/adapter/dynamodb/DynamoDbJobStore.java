package dev.docpipe.adapter.dynamodb;

import dev.docpipe.adapter.Cursors;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.IllegalTransitionException;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.StageLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.docpipe.adapter.dynamodb.JobItems.n;
import static dev.docpipe.adapter.dynamodb.JobItems.s;

/**
 * {@link JobStore} on one DynamoDB table (see {@link DynamoDbTables} for its keys and indexes).
 *
 * <ul>
 *   <li>Create: the job item and a dedup item {@code dedup#<key> → jobId} are written in one
 *       transaction, each with {@code attribute_not_exists(pk)}. A cancelled transaction names the job
 *       that holds the key; if that job has expired (or was deleted) the dedup item is taken over with
 *       a condition on the old job id.</li>
 *   <li>Transition: one conditional {@code UpdateItem} ({@code status = :expected AND attempt = :n},
 *       not expired, stage not moving back). When the change touches retention (into a terminal state
 *       with an expiry, or a new attempt) the dedup item's TTL is updated in the same transaction, so
 *       the dedup item never outlives or undercuts its job.</li>
 *   <li>Expired items are filtered on every read: DynamoDB deletes them only eventually.</li>
 *   <li>Conflicts: a cancelled transaction is judged reason by reason. Only {@code ConditionalCheckFailed}
 *       is an answer (stale, not found, or the key's holder); {@code TransactionConflict},
 *       {@code ThrottlingError} and the like are transient, as is a plain write's
 *       {@code TransactionConflictException} (which the SDK does not retry): the write is tried again with
 *       backoff, {@value #MAX_CONFLICT_ROUNDS} times in all, then reported as
 *       {@link ErrorCode#STORE_UNAVAILABLE}.</li>
 *   <li>The indexes are eventually consistent: what {@code findStale} and history get from one is
 *       read again from the table before anyone acts on it or sees it.</li>
 * </ul>
 */
public final class DynamoDbJobStore implements JobStore {
    /** Shards of the active-jobs index per status. */
    public static final int ACTIVE_SHARDS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbJobStore.class);
    private static final int MAX_CREATE_ROUNDS = 8;
    static final int MAX_CONFLICT_ROUNDS = 5;
    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    private static final String NONE = "None";
    /** Cancellation reasons that say "nothing was decided, try again". */
    private static final Set<String> TRANSIENT_REASONS = Set.of("TransactionConflict", "ThrottlingError",
            "ProvisionedThroughputExceeded", "RequestLimitExceeded");
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbJobStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public CreateResult createIfAbsent(Job job) {
        return call(() -> {
            JobId previousHolder = null;
            for (int round = 0; round < MAX_CREATE_ROUNDS; round++) {
                CreateAttempt attempt = tryCreate(job, previousHolder);
                if (attempt.created()) {
                    return new CreateResult(job, true);
                }
                previousHolder = null;
                if (attempt.holder() != null) {
                    Optional<Job> existing = getConsistent(attempt.holder());
                    if (existing.isPresent()) {
                        return new CreateResult(existing.get(), false);
                    }
                    // the holder expired or was deleted: take its dedup item over, unless someone else does first
                    previousHolder = attempt.holder();
                    continue;
                }
                backOff(round);
            }
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE,
                    "could not settle the dedup key after " + MAX_CREATE_ROUNDS + " rounds", null, null);
        });
    }

    /** The outcome of one create transaction: created, or the job holding the key, or neither (retry). */
    private record CreateAttempt(boolean created, JobId holder) {
    }

    /**
     * One create transaction. {@code previousHolder} null: the dedup item must not exist; otherwise it
     * must still point at that (dead) job.
     */
    private CreateAttempt tryCreate(Job job, JobId previousHolder) {
        Put.Builder dedupPut = Put.builder().tableName(table).item(JobItems.dedupItem(job))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        if (previousHolder == null) {
            dedupPut.conditionExpression("attribute_not_exists(pk)");
        } else {
            dedupPut.conditionExpression("jobId = :old").expressionAttributeValues(Map.of(":old", s(previousHolder.value())));
        }
        try {
            // one token per transaction, repeated by the SDK's own retries: if a reply is lost after the
            // transaction went through, DynamoDB answers the retry with success instead of a cancellation
            dynamo.transactWriteItems(b -> b.clientRequestToken(UUID.randomUUID().toString()).transactItems(
                    TransactWriteItem.builder().put(dedupPut.build()).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(JobItems.toItem(job, ACTIVE_SHARDS))
                            .conditionExpression("attribute_not_exists(pk)")).build()));
            return new CreateAttempt(true, null);
        } catch (TransactionCanceledException e) {
            DocpipeException tooLarge = tooLarge(e);
            if (tooLarge != null) {
                throw tooLarge;
            }
            // a failed condition or a conflicting concurrent transaction: whoever holds the key now wins
            CancellationReason dedupReason = reason(e, 0);
            Map<String, AttributeValue> holder = CONDITION_FAILED.equals(dedupReason.code()) && dedupReason.hasItem()
                    ? dedupReason.item() : readDedup(job.dedupKey());
            if (holder == null || !holder.containsKey("jobId")) {
                return new CreateAttempt(false, null);
            }
            // The holder may carry this job's own id: the same job registered before (a pre-signed upload found
            // again by the sweeper, or by its event and the sweeper at once). That is an existing job, never a
            // creation: a retry of this very transaction after a lost reply succeeds through its token instead.
            return new CreateAttempt(false, new JobId(holder.get("jobId").s()));
        }
    }

    private Map<String, AttributeValue> readDedup(String dedupKey) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(JobItems.dedupKey(dedupKey)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    @Override
    public Optional<Job> get(JobId id) {
        return call(() -> getConsistent(id));
    }

    private Optional<Job> getConsistent(JobId id) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(JobItems.jobKey(id)).consistentRead(true)).item();
        if (item == null || item.isEmpty() || JobItems.isExpired(item, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(JobItems.fromItem(item));
    }

    @Override
    public Job transition(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change) {
        if (!expectedStatus.canMoveTo(change.status())) {
            throw new IllegalTransitionException(id, expectedStatus, change.status());
        }
        boolean newAttempt = expectedStatus.startsNewAttempt(change.status());
        Expression e = updateFor(id, expectedStatus, expectedAttempt, change, newAttempt);
        return call(() -> retryingConflicts(() -> {
            if (newAttempt || change.expiresAt() != null) {
                return transitionWithDedupExpiry(id, expectedStatus, expectedAttempt, change, newAttempt, e);
            }
            try {
                Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(table)
                        .key(JobItems.jobKey(id))
                        .updateExpression(e.updateExpression())
                        .conditionExpression(e.conditionExpression())
                        .expressionAttributeNames(e.names())
                        .expressionAttributeValues(e.values())
                        .returnValues(ReturnValue.ALL_NEW)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
                return JobItems.fromItem(updated);
            } catch (ConditionalCheckFailedException failed) {
                throw rejection(id, expectedStatus, expectedAttempt, failed.hasItem() ? failed.item() : null);
            }
        }));
    }

    private Job transitionWithDedupExpiry(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change,
                                          boolean newAttempt, Expression e) {
        Job current = getConsistent(id).orElseThrow(() -> new JobNotFoundException(id));
        Map<String, String> dedupNames = new HashMap<>(Map.of("#j", "jobId"));
        Map<String, AttributeValue> dedupValues = new HashMap<>(Map.of(":id", s(id.value())));
        String dedupUpdate;
        if (newAttempt) {
            dedupUpdate = "REMOVE #t";
        } else {
            dedupUpdate = "SET #t = :t";
            dedupValues.put(":t", n(JobItems.ttlSeconds(change.expiresAt())));
        }
        dedupNames.put("#t", DynamoDbTables.TTL_ATTRIBUTE);
        try {
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(JobItems.jobKey(id))
                            .updateExpression(e.updateExpression()).conditionExpression(e.conditionExpression())
                            .expressionAttributeNames(e.names()).expressionAttributeValues(e.values())
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                            .build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(table)
                            .key(JobItems.dedupKey(current.dedupKey()))
                            .updateExpression(dedupUpdate).conditionExpression("#j = :id")
                            .expressionAttributeNames(dedupNames).expressionAttributeValues(dedupValues)
                            .build()).build()));
        } catch (TransactionCanceledException cancelled) {
            DocpipeException tooLarge = tooLarge(cancelled);
            if (tooLarge != null) {
                throw tooLarge;
            }
            CancellationReason jobReason = reason(cancelled, 0);
            CancellationReason dedupReason = reason(cancelled, 1);
            if (CONDITION_FAILED.equals(jobReason.code())) {
                throw rejection(id, expectedStatus, expectedAttempt, jobReason.hasItem() ? jobReason.item() : null);
            }
            if (NONE.equals(jobReason.code()) && CONDITION_FAILED.equals(dedupReason.code())) {
                // the dedup item no longer points at this job (taken over after expiry): the job is gone for users
                throw new JobNotFoundException(id);
            }
            throw new Conflict(cancelled, jobReason.code() + ", " + dedupReason.code());
        }
        LOG.debug("job {} moved {} -> {} with retention update", id, expectedStatus, change.status());
        return getConsistent(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    private Expression updateFor(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change,
                                 boolean newAttempt) {
        Instant now = clock.instant();
        Expression e = new Expression();
        e.condition("attribute_exists(pk)");
        e.condition(e.name("status") + " = " + e.value(s(expectedStatus.name())));
        e.condition(e.name("attempt") + " = " + e.value(n(expectedAttempt)));
        e.condition("(attribute_not_exists(" + e.name("expiresAtMs") + ") OR " + e.name("expiresAtMs") + " > "
                + e.value(n(now.toEpochMilli())) + ")");

        e.set("status", s(change.status().name()));
        e.set("updatedAt", n(change.at().toEpochMilli()));
        if (change.status().isActive()) {
            e.set("gsi2pk", s(JobItems.activePartition(change.status(), id, ACTIVE_SHARDS)));
            e.set("gsi2sk", s(JobItems.activeSortKey(change.at(), id)));
        } else {
            e.remove("gsi2pk", "gsi2sk");
        }
        if (change.format() != null) {
            e.set("format", s(change.format().name()));
        }
        if (newAttempt) {
            e.set("attempt", n(expectedAttempt + 1L));
            e.set("stage", s(Stage.PARSE.name()));
            e.set("stageRank", n(Stage.PARSE.rank()));
            e.set("progress", n(0));
            e.set("ts", AttributeValue.fromM(JobItems.instants(change.timestamps())));
            e.remove("errorCode", "errorMessage", "resultLocation", "resultPages", "resultBytes", "expiresAtMs",
                    DynamoDbTables.TTL_ATTRIBUTE);
            return e;
        }
        if (change.stage() != null) {
            e.set("stage", s(change.stage().name()));
            e.set("stageRank", n(change.stage().rank()));
            String op = JobStatus.advancesStrictly(expectedStatus, change.status()) ? " < " : " <= ";
            e.condition(e.name("stageRank") + op + e.value(n(change.stage().rank())));
        }
        if (change.progress() != null) {
            e.set("progress", n(change.progress()));
        }
        change.timestamps().forEach((event, at) -> e.setRaw(e.name("ts") + "." + e.literal(event) + " = "
                + e.value(n(at.toEpochMilli()))));
        if (change.error() != null) {
            e.set("errorCode", s(change.error().code().name()));
            e.set("errorMessage", s(change.error().message()));
        } else if (change.clearError()) {
            e.remove("errorCode", "errorMessage");
        }
        if (change.result() != null) {
            e.set("resultLocation", s(change.result().pdfLocation()));
            e.set("resultPages", n(change.result().pages()));
            e.set("resultBytes", n(change.result().bytes()));
        }
        if (change.expiresAt() != null) {
            e.set("expiresAtMs", n(change.expiresAt().toEpochMilli()));
            e.set(DynamoDbTables.TTL_ATTRIBUTE, n(JobItems.ttlSeconds(change.expiresAt())));
        }
        return e;
    }

    private RuntimeException rejection(JobId id, JobStatus expectedStatus, int expectedAttempt,
                                       Map<String, AttributeValue> current) {
        if (current == null || current.isEmpty() || JobItems.isExpired(current, clock.instant())) {
            return new JobNotFoundException(id);
        }
        return new StaleTransitionException(id, expectedStatus, expectedAttempt);
    }

    @Override
    public boolean claimStage(JobId id, StageLease lease, Instant now) {
        Expression e = new Expression();
        e.condition("attribute_exists(pk)");
        e.condition("(attribute_not_exists(" + e.name("expiresAtMs") + ") OR " + e.name("expiresAtMs") + " > "
                + e.value(n(now.toEpochMilli())) + ")");
        // only while the job is still in the lease's attempt and stage: a run that read the job before another
        // run moved it on must not do the stage's work again (its output would outlive the job's clean-up)
        e.condition(e.name("status") + " IN (" + e.value(s(JobStatus.QUEUED.name())) + ", "
                + e.value(s(JobStatus.RUNNING.name())) + ")");
        e.condition(e.name("attempt") + " = " + e.value(n(lease.attempt())));
        e.condition(e.name("stage") + " = " + e.value(s(lease.stage().name())));
        String free = "attribute_not_exists(" + e.name("leaseKey") + ") OR " + e.name("leaseKey") + " <> "
                + e.value(s(lease.key())) + " OR " + e.name("leaseUntilMs") + " <= " + e.value(n(now.toEpochMilli()))
                + " OR " + e.name("leaseHolder") + " = " + e.value(s(lease.holder()));
        if (lease.orphanedBefore() != null) {
            free += " OR " + e.name("leaseTakenMs") + " < " + e.value(n(lease.orphanedBefore().toEpochMilli()));
        }
        e.condition("(" + free + ")");
        e.set("leaseKey", s(lease.key()));
        e.set("leaseHolder", s(lease.holder()));
        e.set("leaseTakenMs", n(lease.takenAt().toEpochMilli()));
        e.set("leaseUntilMs", n(lease.until().toEpochMilli()));
        return call(() -> retryingConflicts(() -> {
            try {
                dynamo.updateItem(b -> b.tableName(table).key(JobItems.jobKey(id))
                        .updateExpression(e.updateExpression()).conditionExpression(e.conditionExpression())
                        .expressionAttributeNames(e.names()).expressionAttributeValues(e.values())
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return true;
            } catch (ConditionalCheckFailedException held) {
                Map<String, AttributeValue> current = held.hasItem() ? held.item() : null;
                if (current == null || current.isEmpty() || JobItems.isExpired(current, now)) {
                    throw new JobNotFoundException(id);
                }
                return false;
            }
        }));
    }

    @Override
    public void releaseStage(JobId id, String holder) {
        call(() -> retryingConflicts(() -> {
            try {
                dynamo.updateItem(b -> b.tableName(table).key(JobItems.jobKey(id))
                        .updateExpression("REMOVE leaseKey, leaseHolder, leaseTakenMs, leaseUntilMs")
                        .conditionExpression("leaseHolder = :h")
                        .expressionAttributeValues(Map.of(":h", s(holder))));
            } catch (ConditionalCheckFailedException notOurs) {
                // gone, released already, or taken over after it lapsed
            }
            return null;
        }));
    }

    @Override
    public Page<Job> listByOwner(String owner, JobQuery query) {
        JobId after = Cursors.decode(query.cursor());
        return call(() -> {
            String lower = query.since() == null ? null : JobId.lowerBound(query.since());
            String upper = query.until() == null ? null : JobId.lowerBound(query.until());
            if (after != null && (upper == null || after.value().compareTo(upper) < 0)) {
                upper = after.value();
            }
            Expression e = new Expression();
            StringBuilder key = new StringBuilder(e.name("gsi1pk") + " = " + e.value(s(JobItems.ownerPartition(owner))));
            if (upper != null) {
                key.append(" AND ").append(e.name("gsi1sk")).append(" < ").append(e.value(s(upper)));
            } else if (lower != null) {
                key.append(" AND ").append(e.name("gsi1sk")).append(" >= ").append(e.value(s(lower)));
            }
            List<String> filters = new ArrayList<>();
            filters.add(notExpired(e));
            if (query.status() != null) {
                filters.add(e.name("status") + " = " + e.value(s(query.status().name())));
            }
            if (query.priority() != null) {
                filters.add(e.name("priority") + " = " + e.value(s(query.priority().name())));
            }
            if (query.filename() != null) {
                filters.add(e.name("filename") + " = " + e.value(s(query.filename())));
            }
            if (query.source() != null) {
                filters.add(e.name("sourceKind") + " = " + e.value(s(query.source().name())));
            }
            if (query.sourceLocation() != null) {
                filters.add(e.name("sourceLocation") + " = " + e.value(s(query.sourceLocation())));
            }
            List<Job> matches = new ArrayList<>();
            Map<String, AttributeValue> start = null;
            boolean belowWindow = false;
            do {
                QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table)
                        .indexName(DynamoDbTables.BY_OWNER)
                        .keyConditionExpression(key.toString())
                        .filterExpression(String.join(" AND ", filters))
                        .expressionAttributeNames(e.names())
                        .expressionAttributeValues(e.values())
                        .scanIndexForward(false)
                        .limit(Math.max(query.limit() + 1, 25))
                        .exclusiveStartKey(start)
                        .build());
                for (Map<String, AttributeValue> item : page.items()) {
                    if (lower != null && item.get("id").s().compareTo(lower) < 0) {
                        belowWindow = true;
                        break;
                    }
                    matches.add(JobItems.fromItem(item));
                    if (matches.size() > query.limit()) {
                        break;
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && !belowWindow && matches.size() <= query.limit());
            boolean more = matches.size() > query.limit();
            List<Job> items = more ? matches.subList(0, query.limit()) : matches;
            JobId last = items.isEmpty() ? null : items.get(items.size() - 1).id();
            List<Job> current = asTheTableHasThem(items, query::matches);
            return new Page<>(current, more ? Cursors.after(last) : null);
        });
    }

    @Override
    public List<Job> findStale(JobStatus activeStatus, Instant notUpdatedSince, int limit) {
        if (!activeStatus.isActive()) {
            throw new IllegalArgumentException("only active statuses are indexed: " + activeStatus);
        }
        return call(() -> {
            List<Job> found = new ArrayList<>();
            String cutoff = String.format("%013d", notUpdatedSince.toEpochMilli());
            for (int shard = 0; shard < ACTIVE_SHARDS; shard++) {
                Expression e = new Expression();
                String key = e.name("gsi2pk") + " = " + e.value(s(JobItems.activePartition(activeStatus, shard)))
                        + " AND " + e.name("gsi2sk") + " < " + e.value(s(cutoff));
                QueryResponse page = dynamo.query(b -> b.tableName(table).indexName(DynamoDbTables.ACTIVE)
                        .keyConditionExpression(key).expressionAttributeNames(e.names())
                        .expressionAttributeValues(e.values()).scanIndexForward(true).limit(limit));
                page.items().forEach(item -> found.add(JobItems.fromItem(item)));
            }
            List<Job> stale = asTheTableHasThem(found, j -> j.status() == activeStatus && j.updatedAt().isBefore(notUpdatedSince));
            return stale.stream()
                    .sorted(Comparator.comparing(Job::updatedAt).thenComparing(Job::id))
                    .limit(limit)
                    .toList();
        });
    }

    /**
     * The jobs an index returned, read again from the table (consistent reads, in the same order),
     * keeping those that still exist, are not expired and still match. DynamoDB's global secondary
     * indexes are eventually consistent: an index entry can show a job as it was a moment ago (still
     * running when it completed, still there when it was deleted). The sweeper acting on such a copy
     * would re-drive a job that is moving; history would show a deleted job or an old status.
     */
    private List<Job> asTheTableHasThem(List<Job> fromIndex, Predicate<Job> stillMatches) {
        Map<String, Job> current = new HashMap<>();
        for (int from = 0; from < fromIndex.size(); from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = fromIndex.subList(from, Math.min(fromIndex.size(), from + BATCH_GET_LIMIT))
                    .stream().map(j -> JobItems.jobKey(j.id())).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round > 0) {
                    backOff(round);
                }
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(asked));
                response.responses().getOrDefault(table, List.of()).stream()
                        .filter(item -> !JobItems.isExpired(item, clock.instant()))
                        .map(JobItems::fromItem)
                        .forEach(j -> current.put(j.id().value(), j));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return fromIndex.stream().map(j -> current.get(j.id().value()))
                .filter(j -> j != null && stillMatches.test(j)).toList();
    }

    @Override
    public Map<JobStatus, Long> countByStatus(String owner) {
        return call(() -> {
            Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
            for (JobStatus status : JobStatus.values()) {
                counts.put(status, 0L);
            }
            Expression e = new Expression();
            String key = e.name("gsi1pk") + " = " + e.value(s(JobItems.ownerPartition(owner)));
            String filter = notExpired(e);
            String projection = e.name("status");
            dynamo.queryPaginator(b -> b.tableName(table).indexName(DynamoDbTables.BY_OWNER)
                            .keyConditionExpression(key).filterExpression(filter).projectionExpression(projection)
                            .expressionAttributeNames(e.names()).expressionAttributeValues(e.values()))
                    .items()
                    .forEach(item -> counts.merge(JobStatus.valueOf(item.get("status").s()), 1L, Long::sum));
            return counts;
        });
    }

    private String notExpired(Expression e) {
        String attr = e.name("expiresAtMs");
        return "(attribute_not_exists(" + attr + ") OR " + attr + " > " + e.value(n(clock.instant().toEpochMilli())) + ")";
    }

    /**
     * Reads the job, then in one transaction puts its tombstone over it (on condition that it is still the
     * state read: status, attempt and update time) and deletes its dedup item (on condition that it still
     * points at this job). A job changed in between is read again; a dedup item that no longer points at
     * the job (taken over) is left alone. The tombstone carries no {@code gsi2} keys: it leaves the
     * sweeper's index.
     */
    @Override
    public Job erase(JobId id, Instant at, Instant keepUntil) {
        return call(() -> retryingConflicts(() -> {
            for (int round = 0; round < MAX_CREATE_ROUNDS; round++) {
                Job current = getConsistent(id).orElseThrow(() -> new JobNotFoundException(id));
                if (current.status() == JobStatus.ERASED) {
                    return current;
                }
                Job tombstone = current.tombstone(at, keepUntil);
                if (putTombstone(current, tombstone)) {
                    LOG.debug("job {} erased", id);
                    return tombstone;
                }
                backOff(round);
            }
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job kept changing while being erased; try again",
                    null, null);
        }));
    }

    /** @return false when the job changed since it was read (nothing written) */
    private boolean putTombstone(Job current, Job tombstone) {
        Map<String, String> names = Map.of("#s", "status", "#a", "attempt", "#u", "updatedAt");
        Map<String, AttributeValue> values = Map.of(":s", s(current.status().name()), ":a", n(current.attempt()),
                ":u", n(current.updatedAt().toEpochMilli()));
        Put put = Put.builder().tableName(table).item(JobItems.toItem(tombstone, ACTIVE_SHARDS))
                .conditionExpression("#s = :s AND #a = :a AND #u = :u")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        Delete dedup = Delete.builder().tableName(table).key(JobItems.dedupKey(current.dedupKey()))
                .conditionExpression("#j = :id").expressionAttributeNames(Map.of("#j", "jobId"))
                .expressionAttributeValues(Map.of(":id", s(current.id().value()))).build();
        try {
            dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(put).build(),
                    TransactWriteItem.builder().delete(dedup).build()));
            return true;
        } catch (TransactionCanceledException cancelled) {
            CancellationReason jobReason = reason(cancelled, 0);
            CancellationReason dedupReason = reason(cancelled, 1);
            if (CONDITION_FAILED.equals(jobReason.code())) {
                return false;
            }
            if (!NONE.equals(jobReason.code()) || !CONDITION_FAILED.equals(dedupReason.code())) {
                throw new Conflict(cancelled, jobReason.code() + ", " + dedupReason.code());
            }
        }
        // the dedup item is gone or belongs to another job: the tombstone alone
        try {
            dynamo.putItem(b -> b.tableName(put.tableName()).item(put.item()).conditionExpression(put.conditionExpression())
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    @Override
    public boolean delete(JobId id) {
        return call(() -> {
            Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table).key(JobItems.jobKey(id))
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
            if (old == null || old.isEmpty()) {
                return false;
            }
            try {
                dynamo.deleteItem(b -> b.tableName(table).key(JobItems.dedupKey(old.get("dedupKey").s()))
                        .conditionExpression("jobId = :id").expressionAttributeValues(Map.of(":id", s(id.value()))));
            } catch (ConditionalCheckFailedException takenOver) {
                // the dedup key already belongs to a newer job
            }
            return !JobItems.isExpired(old, clock.instant());
        });
    }

    /** DynamoDB's TTL removes expired jobs and their dedup items by itself; reads already ignore them. */
    @Override
    public int deleteExpired(int limit) {
        return 0;
    }

    /** The reason of the {@code index}th action; a missing one reads as {@code None}. */
    private static CancellationReason reason(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        return index < reasons.size() && reasons.get(index).code() != null ? reasons.get(index)
                : CancellationReason.builder().code(NONE).build();
    }

    /** A write that decided nothing (a conflicting transaction, throttling): worth trying again. */
    private static final class Conflict extends RuntimeException {
        private final String reasons;

        Conflict(Throwable cause, String reasons) {
            super(reasons, cause, false, false);
            this.reasons = reasons;
        }

        /** Cancellation reasons with a code this store does not know are not retried. */
        boolean isTransient() {
            return TRANSIENT_REASONS.stream().anyMatch(reasons::contains) || getCause() instanceof TransactionConflictException;
        }
    }

    /**
     * Runs a conditional write, again after a backoff while it meets a conflict or throttling that decided
     * nothing; {@link ErrorCode#STORE_UNAVAILABLE} once {@link #MAX_CONFLICT_ROUNDS} tries have failed.
     */
    private static <T> T retryingConflicts(Supplier<T> write) {
        Conflict last = null;
        for (int round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
            if (round > 0) {
                conflictBackOff(round);
            }
            try {
                return write.get();
            } catch (TransactionConflictException e) {
                last = new Conflict(e, "TransactionConflict");
            } catch (Conflict e) {
                if (!e.isTransient()) {
                    throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE,
                            "job store cancelled the write [" + e.reasons + "]", null, e.getCause());
                }
                last = e;
            }
            LOG.debug("job store write met a conflict [{}], round {}", last.reasons, round + 1);
        }
        throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job store write kept conflicting ["
                + last.reasons + "] after " + MAX_CONFLICT_ROUNDS + " tries", null, last.getCause());
    }

    /** Exponential backoff with full jitter: up to 25, 50, 100, 200 ms. */
    private static void conflictBackOff(int round) {
        sleep(ThreadLocalRandom.current().nextLong(1, (25L << (round - 1)) + 1));
    }

    private static void backOff(int round) {
        sleep(Math.min(50, 2L << round));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "interrupted", null, e);
        }
    }

    private static final String SIZE_LIMIT_MESSAGE = "exceeded the maximum allowed size";

    /**
     * DynamoDB's refusal of an item over 400 KB, as a permanent {@link ErrorCode#TOO_LARGE} (retrying
     * cannot help), or null for any other failure. DynamoDB answers a single write with a
     * {@code ValidationException} ("Item size has exceeded the maximum allowed size", "Item size to
     * update has exceeded …"); a transaction either the same way or, per its documentation, cancelled
     * with a {@code ValidationError} reason carrying that message.
     */
    private static DocpipeException tooLarge(DynamoDbException e) {
        boolean refused = e instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()
                ? cancelled.cancellationReasons().stream().anyMatch(r -> "ValidationError".equals(r.code())
                        && r.message() != null && r.message().contains(SIZE_LIMIT_MESSAGE))
                : e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode())
                        && e.getMessage() != null && e.getMessage().contains(SIZE_LIMIT_MESSAGE);
        return refused ? new DocpipeException(ErrorCode.TOO_LARGE,
                "the job record would exceed DynamoDB's 400 KB item limit", null, e) : null;
    }

    /** Runs a store call, translating SDK failures into domain exceptions. */
    private static <T> T call(Supplier<T> body) {
        try {
            return refusingOversizeItems(body);
        } catch (SdkClientException e) {
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job store unreachable", null, e);
        } catch (TransactionCanceledException | ConditionalCheckFailedException e) {
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job store write conflict", null, e);
        } catch (DynamoDbException e) {
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE,
                    "job store error " + e.awsErrorDetails().errorCode(), null, e);
        }
    }

    private static <T> T refusingOversizeItems(Supplier<T> body) {
        try {
            return body.get();
        } catch (DynamoDbException e) {
            DocpipeException tooLarge = tooLarge(e);
            throw tooLarge != null ? tooLarge : e;
        }
    }
}
