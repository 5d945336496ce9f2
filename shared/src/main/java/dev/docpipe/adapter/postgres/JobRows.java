package dev.docpipe.adapter.postgres;

import dev.docpipe.adapter.json.JobJson;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** A {@link Job} as a row of {@code jobs}, and back. */
final class JobRows {
    private static final Logger LOG = LoggerFactory.getLogger(JobRows.class);
    /** Every column, in {@link #bindInsert} order. Named, never {@code *}: an added column must not break old code. */
    static final List<String> COLUMN_LIST = List.of("id", "owner", "source_kind", "source_location", "filename",
            "format", "priority", "options", "dedup_key", "status", "stage", "stage_rank", "progress", "attempt",
            "created_at", "updated_at", "expires_at", "timestamps", "error_code", "error_message", "result_location",
            "result_pages", "result_bytes");
    static final String COLUMNS = String.join(", ", COLUMN_LIST);
    static final String INSERT_VALUES = String.join(", ", COLUMN_LIST.stream()
            .map(c -> c.equals("options") || c.equals("timestamps") ? "?::jsonb" : "?").toList());

    private JobRows() {
    }

    /** Binds {@code job} to the parameters 1..23 of an insert listing {@link #COLUMNS}. */
    static void bindInsert(PreparedStatement ps, Job job) throws SQLException {
        int i = 0;
        ps.setString(++i, job.id().value());
        ps.setString(++i, job.owner());
        ps.setString(++i, job.source().kind().name());
        ps.setString(++i, job.source().location());
        ps.setString(++i, job.filename());
        ps.setString(++i, job.format() == null ? null : job.format().name());
        ps.setString(++i, job.priority().name());
        ps.setString(++i, JobJson.writeStrings(job.options()));
        ps.setString(++i, job.dedupKey());
        ps.setString(++i, job.status().name());
        ps.setString(++i, job.stage().name());
        ps.setInt(++i, job.stage().rank());
        ps.setInt(++i, job.progress());
        ps.setInt(++i, job.attempt());
        ps.setObject(++i, timestamp(job.createdAt()));
        ps.setObject(++i, timestamp(job.updatedAt()));
        setTimestamp(ps, ++i, job.expiresAt());
        ps.setString(++i, JobJson.writeInstants(job.timestamps()));
        ps.setString(++i, job.error() == null ? null : job.error().code().name());
        ps.setString(++i, job.error() == null ? null : job.error().message());
        ps.setString(++i, job.result() == null ? null : job.result().pdfLocation());
        if (job.result() == null) {
            ps.setNull(++i, Types.INTEGER);
            ps.setNull(++i, Types.BIGINT);
        } else {
            ps.setInt(++i, job.result().pages());
            ps.setLong(++i, job.result().bytes());
        }
    }

    /** The job in the current row of {@code rs} (selected with {@link #COLUMNS}). */
    static Job read(ResultSet rs) throws SQLException {
        String errorCode = rs.getString("error_code");
        String resultLocation = rs.getString("result_location");
        String format = rs.getString("format");
        return new Job(
                new JobId(rs.getString("id")),
                rs.getString("owner"),
                new Source(Source.Kind.valueOf(rs.getString("source_kind")), rs.getString("source_location")),
                rs.getString("filename"),
                format == null ? null : Format.valueOf(format),
                Priority.valueOf(rs.getString("priority")),
                JobJson.readStrings(rs.getString("options")),
                rs.getString("dedup_key"),
                JobStatus.valueOf(rs.getString("status")),
                Stage.valueOf(rs.getString("stage")),
                rs.getInt("progress"),
                rs.getInt("attempt"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                JobJson.readInstants(rs.getString("timestamps")),
                errorCode == null ? null : new JobError(errorCode(errorCode, rs), rs.getString("error_message")),
                resultLocation == null ? null
                        : new JobResult(resultLocation, rs.getInt("result_pages"), rs.getLong("result_bytes")),
                instant(rs, "expires_at"));
    }

    /**
     * The stored error code; one this build no longer knows (renamed or removed since the row was written)
     * reads as {@link ErrorCode#INTERNAL}, so one old row cannot make a job, or an owner's history, unreadable.
     */
    private static ErrorCode errorCode(String stored, ResultSet rs) throws SQLException {
        try {
            return ErrorCode.valueOf(stored);
        } catch (IllegalArgumentException e) {
            LOG.warn("job {} has error code {} that this build does not know; reading it as INTERNAL",
                    rs.getString("id"), stored);
            return ErrorCode.INTERNAL;
        }
    }

    static OffsetDateTime timestamp(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static void setTimestamp(PreparedStatement ps, int index, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, timestamp(t));
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
