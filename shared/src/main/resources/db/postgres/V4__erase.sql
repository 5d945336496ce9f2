-- V4: erased jobs (JobStore.erase). An erased job keeps its row as a tombstone until retention:
-- status 'ERASED', no file name, format, options, source location, error or result, and a dedup key
-- of its own ('erased:<id>') so the content's key is free for a new job.

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'ERASED'));
