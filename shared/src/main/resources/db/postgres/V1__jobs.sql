-- V1: the jobs table. One row per job; a column per Job field.
-- Enum columns hold the Java enum names (upper case). Times are timestamptz written by the
-- application's clock at millisecond precision. The map fields are jsonb:
-- options {"name": "value"}, timestamps {"event": epochMillis}.

CREATE TABLE jobs (
    id              text COLLATE "C" PRIMARY KEY,          -- UUIDv7: byte order = creation order
    owner           text        NOT NULL,
    source_kind     text        NOT NULL,
    source_location text        NOT NULL,
    filename        text,
    format          text,
    priority        text        NOT NULL,
    options         jsonb       NOT NULL DEFAULT '{}',
    dedup_key       text        NOT NULL,
    status          text        NOT NULL,
    stage           text        NOT NULL,
    stage_rank      int         NOT NULL,                  -- Stage.rank(): refuses a write that moves the stage back
    progress        int         NOT NULL,
    attempt         int         NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    expires_at      timestamptz,                           -- retention: null while the job is live
    timestamps      jsonb       NOT NULL DEFAULT '{}',
    error_code      text,
    error_message   text,
    result_location text,
    result_pages    int,
    result_bytes    bigint,

    CONSTRAINT jobs_dedup_key_unique UNIQUE (dedup_key),
    CONSTRAINT jobs_source_kind_check CHECK (source_kind IN ('S3', 'INLINE', 'URL')),
    CONSTRAINT jobs_format_check CHECK (format IN ('HTML', 'MARKDOWN', 'TEXT')),
    CONSTRAINT jobs_priority_check CHECK (priority IN ('HIGH', 'DEFAULT', 'LOW')),
    CONSTRAINT jobs_status_check CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    CONSTRAINT jobs_stage_check CHECK (stage IN ('PARSE', 'RENDER', 'STORE')),
    CONSTRAINT jobs_stage_rank_check CHECK (stage_rank = array_position(ARRAY['PARSE', 'RENDER', 'STORE'], stage) - 1),
    CONSTRAINT jobs_progress_check CHECK (progress BETWEEN 0 AND 100),
    CONSTRAINT jobs_attempt_check CHECK (attempt >= 1),
    CONSTRAINT jobs_error_check CHECK ((error_code IS NULL) = (error_message IS NULL)),
    CONSTRAINT jobs_result_check CHECK ((result_location IS NULL) = (result_pages IS NULL)
                                        AND (result_location IS NULL) = (result_bytes IS NULL))
);

-- An owner's history, newest first (listByOwner, countByStatus).
CREATE INDEX jobs_owner_id_idx ON jobs (owner, id DESC);

-- The sweeper's stuck-job scan (findStale): only active jobs are indexed.
CREATE INDEX jobs_active_updated_idx ON jobs (status, updated_at, id) WHERE status IN ('QUEUED', 'RUNNING');

-- Retention (deleteExpired): only jobs with an expiry are indexed.
CREATE INDEX jobs_expires_at_idx ON jobs (expires_at) WHERE expires_at IS NOT NULL;
