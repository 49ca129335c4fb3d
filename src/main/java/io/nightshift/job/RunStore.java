package io.nightshift.job;

import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.ScoringSettings;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What each run was asked to do, keyed by the run's identifying job parameter {@code run.key}: its settings (with the
 * locations resolved for its fire time), and what triggered it and each relaunch.
 */
final class RunStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    RunStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * Records a new run with its origin. Throws {@link org.springframework.dao.DuplicateKeyException} when the key is
     * taken: a scheduled fire's key is derived from the fire, so a second launch of one fire stops here.
     */
    void save(String runKey, String jobName, ScoringSettings settings, RunTrigger trigger) {
        transactions.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO NS_RUN (RUN_KEY, JOB_NAME, SETTINGS, CREATED_AT) VALUES (?, ?, ?, ?)", runKey, jobName,
                    PlanCodec.toJson(settings), Timestamp.from(Instant.now()));
            insertTrigger(runKey, 1, trigger);
        });
    }

    /** Appends a relaunch's trigger to a run's story. */
    void addTrigger(String runKey, RunTrigger trigger) {
        Integer last = jdbc.queryForObject("SELECT MAX(SEQ) FROM NS_RUN_TRIGGER WHERE RUN_KEY = ?", Integer.class, runKey);
        insertTrigger(runKey, last == null ? 1 : last + 1, trigger);
    }

    private void insertTrigger(String runKey, int sequence, RunTrigger trigger) {
        jdbc.update("INSERT INTO NS_RUN_TRIGGER (RUN_KEY, SEQ, KIND, BY_WHOM, FIRE_TIME, DETAIL, TRIGGERED_AT)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", runKey, sequence, trigger.kind().name(), trigger.by(),
                utc(trigger.fireTime()), trigger.detail(), utc(trigger.at()));
    }

    /** A run's triggers, oldest first; empty for runs from before triggers were recorded. */
    List<RunTrigger> triggers(String runKey) {
        return jdbc.query("SELECT KIND, BY_WHOM, FIRE_TIME, DETAIL, TRIGGERED_AT FROM NS_RUN_TRIGGER WHERE RUN_KEY = ?"
                + " ORDER BY SEQ", (row, index) -> new RunTrigger(RunTrigger.Kind.valueOf(row.getString(1)), row.getString(2),
                        instant(row.getObject(3, OffsetDateTime.class)), row.getString(4),
                        instant(row.getObject(5, OffsetDateTime.class))), runKey);
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

    /** Replaces a scoring run's budget (a relaunch's raised cap): the budget guard of its next execution reads this one. */
    void updateBudget(String runKey, io.nightshift.budget.Budget budget) {
        ScoringSettings settings = settings(runKey)
                .orElseThrow(() -> new IllegalStateException("No settings stored for run key " + runKey));
        jdbc.update("UPDATE NS_RUN SET SETTINGS = ? WHERE RUN_KEY = ?", PlanCodec.toJson(settings.withBudget(budget)), runKey);
    }

    /** The run (job instance) a key belongs to, once its first execution exists. */
    Optional<Long> runId(String runKey) {
        List<Long> ids = jdbc.queryForList("SELECT e.JOB_INSTANCE_ID FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p"
                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE p.PARAMETER_NAME = ? AND p.PARAMETER_VALUE = ?",
                Long.class, ScoringJobConfiguration.RUN_KEY, runKey);
        return ids.stream().findFirst();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
