#!/bin/bash
# Creates in LocalStack what template.yaml creates in AWS, with StageName=local: the documents
# bucket (uploads/ notifications to the ingest queue), every queue with its dead-letter queue, and
# the DynamoDB jobs table with its GSIs and TTL. Idempotent: re-running changes nothing.
# Kept true by deploy/src/test/java/dev/docpipe/deploy/LocalStackInitTest.java, which parses the
# `bucket`, `queue` and `table` lines below and compares them with template.yaml.
set -euo pipefail

STAGE=local
ACCOUNT=000000000000
REGION=${AWS_DEFAULT_REGION:-us-east-1}
PREFIX="docpipe-${STAGE}-"
BUCKET="docpipe-${STAGE}-${ACCOUNT}-${REGION}"
TABLE="docpipe-${STAGE}-jobs"

export AWS_DEFAULT_REGION="$REGION"

# queue NAME VISIBILITY_SECONDS RETENTION_SECONDS [DEAD_LETTER_QUEUE MAX_RECEIVE_COUNT]
queue() {
  local name=$1 visibility=$2 retention=$3 dlq=${4:-} receives=${5:-}
  local attributes="{\"VisibilityTimeout\":\"$visibility\",\"MessageRetentionPeriod\":\"$retention\",\"SqsManagedSseEnabled\":\"true\""
  if [[ -n "$dlq" ]]; then
    local dlq_arn="arn:aws:sqs:${REGION}:${ACCOUNT}:${dlq}"
    attributes+=",\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"${dlq_arn}\\\",\\\"maxReceiveCount\\\":\\\"${receives}\\\"}\""
  fi
  attributes+="}"
  awslocal sqs create-queue --queue-name "$name" --attributes "$attributes" >/dev/null
  echo "queue $name"
}

# bucket NAME NOTIFIED_PREFIX NOTIFIED_QUEUE
bucket() {
  local name=$1 prefix=$2 target=$3
  awslocal s3api head-bucket --bucket "$name" 2>/dev/null || awslocal s3api create-bucket --bucket "$name" >/dev/null
  awslocal s3api put-public-access-block --bucket "$name" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  awslocal s3api put-bucket-notification-configuration --bucket "$name" --notification-configuration "{
    \"QueueConfigurations\": [{
      \"QueueArn\": \"arn:aws:sqs:${REGION}:${ACCOUNT}:${target}\",
      \"Events\": [\"s3:ObjectCreated:*\"],
      \"Filter\": {\"Key\": {\"FilterRules\": [{\"Name\": \"prefix\", \"Value\": \"${prefix}\"}]}}
    }]
  }"
  echo "bucket $name ($prefix -> $target)"
}

# table NAME TTL_ATTRIBUTE: hash key pk; GSIs byOwner (gsi1pk, gsi1sk) and activeByUpdate (gsi2pk, gsi2sk)
table() {
  local name=$1 ttl=$2
  if ! awslocal dynamodb describe-table --table-name "$name" >/dev/null 2>&1; then
    awslocal dynamodb create-table --table-name "$name" --billing-mode PAY_PER_REQUEST \
      --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=gsi1pk,AttributeType=S \
        AttributeName=gsi1sk,AttributeType=S AttributeName=gsi2pk,AttributeType=S AttributeName=gsi2sk,AttributeType=S \
      --key-schema AttributeName=pk,KeyType=HASH \
      --global-secondary-indexes \
        'IndexName=byOwner,KeySchema=[{AttributeName=gsi1pk,KeyType=HASH},{AttributeName=gsi1sk,KeyType=RANGE}],Projection={ProjectionType=ALL}' \
        'IndexName=activeByUpdate,KeySchema=[{AttributeName=gsi2pk,KeyType=HASH},{AttributeName=gsi2sk,KeyType=RANGE}],Projection={ProjectionType=ALL}' \
      >/dev/null
    awslocal dynamodb wait table-exists --table-name "$name"
  fi
  awslocal dynamodb update-time-to-live --table-name "$name" \
    --time-to-live-specification "Enabled=true,AttributeName=$ttl" >/dev/null 2>&1 || true
  echo "table $name"
}

# dead-letter queues first: the work queues' redrive policies name them
queue "${PREFIX}ingest-dlq" 360 1209600
queue "${PREFIX}parse-dlq" 360 1209600
queue "${PREFIX}render-dlq" 360 1209600
queue "${PREFIX}store-dlq" 360 1209600
queue "${PREFIX}ingest" 360 345600 "${PREFIX}ingest-dlq" 5
queue "${PREFIX}parse-high" 720 345600 "${PREFIX}parse-dlq" 5
queue "${PREFIX}parse-default" 720 345600 "${PREFIX}parse-dlq" 5
queue "${PREFIX}parse-low" 720 345600 "${PREFIX}parse-dlq" 5
queue "${PREFIX}render-high" 1080 345600 "${PREFIX}render-dlq" 5
queue "${PREFIX}render-default" 1080 345600 "${PREFIX}render-dlq" 5
queue "${PREFIX}render-low" 1080 345600 "${PREFIX}render-dlq" 5
queue "${PREFIX}store-high" 360 345600 "${PREFIX}store-dlq" 5
queue "${PREFIX}store-default" 360 345600 "${PREFIX}store-dlq" 5
queue "${PREFIX}store-low" 360 345600 "${PREFIX}store-dlq" 5
queue "${PREFIX}webhook-dlq" 360 1209600
queue "${PREFIX}webhook" 360 345600 "${PREFIX}webhook-dlq" 5

bucket "$BUCKET" uploads/ "${PREFIX}ingest"

table "$TABLE" ttl

echo "docpipe resources ready (stage $STAGE)"
