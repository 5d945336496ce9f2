-- V5: finding an owner's jobs by their file (GET /jobs?filename=…, ?uploadKey=…), newest first, without
-- reading the owner's whole history. Both partial: jobs without a file name, and inline and URL jobs
-- (whose location is never searched for), are not indexed.

CREATE INDEX jobs_owner_filename_idx ON jobs (owner, filename, id DESC) WHERE filename IS NOT NULL;

CREATE INDEX jobs_owner_upload_idx ON jobs (owner, source_location, id DESC) WHERE source_kind = 'S3';
