package io.nightshift.job;

import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.ScoringSettings;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** What each run was asked to do, keyed by the run's identifying job parameter {@code run.key}. */
final class RunStore {

    private final JdbcTemplate jdbc;

    RunStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void save(String runKey, String jobName, ScoringSettings settings) {
        jdbc.update("INSERT INTO NS_RUN (RUN_KEY, JOB_NAME, SETTINGS, CREATED_AT) VALUES (?, ?, ?, ?)", runKey, jobName,
                PlanCodec.toJson(settings), Timestamp.from(Instant.now()));
    }

    /** A retraining run's request: the spec's text and where it was read from, so every step reads the same spec. */
    void save(String runKey, String jobName, RetrainRequest request) {
        jdbc.update("INSERT INTO NS_RUN (RUN_KEY, JOB_NAME, SETTINGS, CREATED_AT) VALUES (?, ?, ?, ?)", runKey, jobName,
                RetrainRequest.toJson(request), Timestamp.from(Instant.now()));
    }

    Optional<RetrainRequest> retrainRequest(String runKey) {
        List<String> rows = jdbc.queryForList("SELECT SETTINGS FROM NS_RUN WHERE RUN_KEY = ?", String.class, runKey);
        return rows.isEmpty() ? Optional.empty() : Optional.of(RetrainRequest.fromJson(rows.getFirst()));
    }

    Optional<ScoringSettings> settings(String runKey) {
        List<String> rows = jdbc.queryForList("SELECT SETTINGS FROM NS_RUN WHERE RUN_KEY = ?", String.class, runKey);
        return rows.isEmpty() ? Optional.empty() : Optional.of(PlanCodec.settings(rows.getFirst()));
    }
}
