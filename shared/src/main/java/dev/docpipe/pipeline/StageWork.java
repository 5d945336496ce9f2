package dev.docpipe.pipeline;

import dev.docpipe.job.Format;
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

    /**
     * Does the work and says what it learnt about the job: {@link #perform}'s result and, for the
     * parse stage, the format it detected when the job had none (null otherwise).
     */
    default Done performAndReport(Job job) {
        return new Done(perform(job), null);
    }

    /** What a stage's work produced: the published result (last stage) and a detected format, each possibly null. */
    record Done(JobResult result, Format detectedFormat) {
    }
}
