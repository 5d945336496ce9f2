package dev.docpipe.function.sweeper;

import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.pipeline.UploadIntake;

import java.time.Clock;
import java.time.Duration;

/**
 * One scheduled sweep: re-drive stuck jobs, apply retention, and register a page of uploads whose
 * event never came. The upload scan resumes where the previous sweep of this container stopped; a
 * new container starts from the beginning (uploads expire by the bucket's lifecycle rule).
 */
public final class SweeperService {
    private final Sweeper sweeper;
    private final UploadIntake uploads;
    private final Clock clock;
    private final Duration settleTime;
    private final int scanPage;
    private String scanCursor;

    public SweeperService(Sweeper sweeper, UploadIntake uploads, Clock clock, Duration settleTime, int scanPage) {
        this.sweeper = sweeper;
        this.uploads = uploads;
        this.clock = clock;
        this.settleTime = settleTime;
        this.scanPage = scanPage;
    }

    /** Registers every upload older than {@code cutoff} that has no job yet (all pages; recovery after a crash). */
    public synchronized void registerUploadsBefore(java.time.Instant cutoff) {
        String cursor = null;
        do {
            cursor = uploads.scan(cursor, scanPage, cutoff);
        } while (cursor != null);
    }

    public synchronized Sweeper.Report run() {
        Sweeper.Report report = sweeper.sweep();
        scanCursor = uploads.scan(scanCursor, scanPage, clock.instant().minus(settleTime));
        return report;
    }
}
