-- V2: a stage lease on each job (JobStore.claimStage): who runs which stage of which attempt, and until
-- when. Beside the job's state: no read of a job returns these columns.

ALTER TABLE jobs
    ADD COLUMN lease_key    text,          -- '<attempt>:<STAGE>'
    ADD COLUMN lease_holder text,
    ADD COLUMN lease_taken  timestamptz,
    ADD COLUMN lease_until  timestamptz;
