package dev.docpipe.local.api.submit;

import dev.docpipe.config.Config;
import dev.docpipe.job.JobId;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Erase on the PostgreSQL job store: the jobs table is read raw for the job's rows (by id and by dedup key). */
class PostgresEraseIT extends EraseContract {
    @Override
    protected Config.StoreKind store() {
        return Config.StoreKind.POSTGRES;
    }

    @Override
    protected List<String> rawRecords(JobId id, String dedupKey) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pipeline.components().config().databaseUrl());
             PreparedStatement ps = c.prepareStatement("SELECT * FROM jobs WHERE id = ? OR dedup_key = ?"
                     + " OR source_location LIKE ? OR position(? in options::text) > 0")) {
            ps.setString(1, id.value());
            ps.setString(2, dedupKey);
            ps.setString(3, "%" + id.value() + "%");
            ps.setString(4, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns; i++) {
                        row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                    }
                    rows.add(row.toString());
                }
            }
        }
        return rows;
    }
}
