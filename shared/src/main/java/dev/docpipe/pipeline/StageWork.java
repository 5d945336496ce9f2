package dev.docpipe.pipeline;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.Stage;

/**
 * One stage's work on a job. It reads its input from and writes its output to object storage under
 * keys derived from the job id, so doing it twice overwrites the same objects.
 *
 * <p>Throw a {@link dev.docpipe.job.DocpipeException} whose code is not transient for a permanent
 * failure (the job fails at once); anything else is retried through the queue.
 */
public interface StageWork {
    Stage stage();

    /** Does the work; the last stage returns the published result, the others null. */
    JobResult perform(Job job);
}
