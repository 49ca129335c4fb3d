package io.nightshift.model.registry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The registry's tables (migration V4): versions, aliases, alias history, approvals and the audit trail. Plain SQL;
 * the caller holds the transaction. The audit trail has an insert and reads, and nothing else on purpose.
 */
final class RegistryStore {

    private static final String VERSION_COLUMNS = "MODEL_NAME, VERSION, STATE, REGISTERED_BY, REGISTERED_AT, SOURCE_URI, ARTIFACT_URI, "
            + "SHA256, ONNX_SHA256, SPEC_SHA256, DESCRIPTION, REPORT_URI, GATE_RUNS, GATED_AT, GATE_PRODUCTION_VERSION, APPROVALS_REQUIRED";

    private static final RowMapper<ModelVersion> VERSION = (rs, row) -> new ModelVersion(rs.getString("MODEL_NAME"), rs.getInt("VERSION"),
            ModelState.valueOf(rs.getString("STATE")), rs.getString("REGISTERED_BY"), instant(rs, "REGISTERED_AT"),
            rs.getString("SOURCE_URI"), rs.getString("ARTIFACT_URI"), rs.getString("SHA256"), rs.getString("ONNX_SHA256"),
            rs.getString("SPEC_SHA256"), rs.getString("DESCRIPTION"), rs.getString("REPORT_URI"), rs.getInt("GATE_RUNS"),
            instant(rs, "GATED_AT"), integer(rs, "GATE_PRODUCTION_VERSION"), integer(rs, "APPROVALS_REQUIRED"));

    private static final RowMapper<AliasMove> MOVE = (rs, row) -> new AliasMove(rs.getLong("ID"), rs.getString("MODEL_NAME"),
            rs.getString("ALIAS"), rs.getString("KIND"), integer(rs, "FROM_VERSION"), rs.getInt("TO_VERSION"), rs.getString("MOVED_BY"),
            instant(rs, "MOVED_AT"), rs.getString("REASON"));

    private static final RowMapper<AuditEntry> AUDIT = (rs, row) -> new AuditEntry(rs.getLong("ID"), instant(rs, "OCCURRED_AT"),
            rs.getString("ACTOR"), rs.getString("ACTION"), rs.getString("MODEL_NAME"), integer(rs, "VERSION"), rs.getString("ALIAS"),
            integer(rs, "PREVIOUS_VERSION"), integer(rs, "NEW_VERSION"), rs.getString("REASON"));

    private final JdbcTemplate jdbc;

    RegistryStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    // --- versions ----------------------------------------------------------------------------------------------------

    List<String> names() {
        return jdbc.queryForList("SELECT DISTINCT MODEL_NAME FROM NS_MODEL_VERSION ORDER BY MODEL_NAME", String.class);
    }

    List<ModelVersion> versions(String name) {
        return jdbc.query("SELECT " + VERSION_COLUMNS + " FROM NS_MODEL_VERSION WHERE MODEL_NAME = ? ORDER BY VERSION", VERSION, name);
    }

    Optional<ModelVersion> version(String name, int version) {
        return jdbc.query("SELECT " + VERSION_COLUMNS + " FROM NS_MODEL_VERSION WHERE MODEL_NAME = ? AND VERSION = ?", VERSION, name, version)
                .stream().findFirst();
    }

    /**
     * Locks every version row of a model until the transaction ends: registry changes to one model (approvals,
     * promotion, rollback, alias moves) happen one after another, so two approvals cannot both promote.
     */
    void lock(String name) {
        jdbc.queryForList("SELECT VERSION FROM NS_MODEL_VERSION WHERE MODEL_NAME = ? ORDER BY VERSION FOR UPDATE", Integer.class, name);
    }

    Optional<ModelVersion> versionWithSha256(String name, String sha256) {
        return jdbc.query("SELECT " + VERSION_COLUMNS + " FROM NS_MODEL_VERSION WHERE MODEL_NAME = ? AND SHA256 = ?", VERSION, name, sha256)
                .stream().findFirst();
    }

    int nextVersion(String name) {
        Integer max = jdbc.queryForObject("SELECT MAX(VERSION) FROM NS_MODEL_VERSION WHERE MODEL_NAME = ?", Integer.class, name);
        return max == null ? 1 : max + 1;
    }

    void insert(ModelVersion version) {
        jdbc.update("INSERT INTO NS_MODEL_VERSION (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                version.name(), version.version(), version.state().name(), version.registeredBy(), timestamp(version.registeredAt()),
                version.sourceUri(), version.artifactUri(), version.sha256(), version.onnxSha256(), version.specSha256(),
                version.description(), version.reportUri(), version.gateRuns(), timestamp(version.gatedAt()),
                version.gateProductionVersion(), version.approvalsRequired());
    }

    void setState(String name, int version, ModelState state) {
        jdbc.update("UPDATE NS_MODEL_VERSION SET STATE = ? WHERE MODEL_NAME = ? AND VERSION = ?", state.name(), name, version);
    }

    /** Records a gate run: its outcome, what it compared with and how many approvals it requires; counts the run. */
    void recordGate(String name, int version, ModelState state, Integer productionVersion, int approvalsRequired, String reportUri,
            Instant at) {
        jdbc.update("UPDATE NS_MODEL_VERSION SET STATE = ?, GATE_RUNS = GATE_RUNS + 1, GATED_AT = ?, GATE_PRODUCTION_VERSION = ?, "
                + "APPROVALS_REQUIRED = ?, REPORT_URI = COALESCE(?, REPORT_URI) WHERE MODEL_NAME = ? AND VERSION = ?", state.name(),
                timestamp(at), productionVersion, approvalsRequired, reportUri, name, version);
    }

    void setReport(String name, int version, String reportUri) {
        jdbc.update("UPDATE NS_MODEL_VERSION SET REPORT_URI = ? WHERE MODEL_NAME = ? AND VERSION = ?", reportUri, name, version);
    }

    // --- aliases -----------------------------------------------------------------------------------------------------

    /** Alias to version, by alias name. */
    Map<String, Integer> aliases(String name) {
        Map<String, Integer> aliases = new LinkedHashMap<>();
        jdbc.query("SELECT ALIAS, VERSION FROM NS_MODEL_ALIAS WHERE MODEL_NAME = ? ORDER BY ALIAS",
                (ResultSet rs) -> {
                    aliases.put(rs.getString("ALIAS"), rs.getInt("VERSION"));
                }, name);
        return aliases;
    }

    Optional<Integer> alias(String name, String alias) {
        return jdbc.queryForList("SELECT VERSION FROM NS_MODEL_ALIAS WHERE MODEL_NAME = ? AND ALIAS = ?", Integer.class, name, alias)
                .stream().findFirst();
    }

    /** Points an alias at a version and records the move in its history. */
    void moveAlias(String name, String alias, String kind, Integer from, int to, String by, Instant at, String reason) {
        int updated = jdbc.update("UPDATE NS_MODEL_ALIAS SET VERSION = ?, MOVED_BY = ?, MOVED_AT = ? WHERE MODEL_NAME = ? AND ALIAS = ?",
                to, by, timestamp(at), name, alias);
        if (updated == 0) {
            jdbc.update("INSERT INTO NS_MODEL_ALIAS (MODEL_NAME, ALIAS, VERSION, MOVED_BY, MOVED_AT) VALUES (?, ?, ?, ?, ?)", name, alias,
                    to, by, timestamp(at));
        }
        jdbc.update("INSERT INTO NS_MODEL_ALIAS_HISTORY (MODEL_NAME, ALIAS, KIND, FROM_VERSION, TO_VERSION, MOVED_BY, MOVED_AT, REASON) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", name, alias, kind, from, to, by, timestamp(at), reason);
    }

    /** The latest promotion that moved production to {@code version}: its {@code fromVersion} is what rollback restores. */
    Optional<AliasMove> lastPromotionTo(String name, int version) {
        return jdbc.query("SELECT * FROM NS_MODEL_ALIAS_HISTORY WHERE MODEL_NAME = ? AND ALIAS = ? AND KIND = ? AND TO_VERSION = ? "
                + "ORDER BY ID DESC", MOVE, name, ModelRegistry.PRODUCTION, AliasMove.PROMOTE, version).stream().findFirst();
    }

    List<AliasMove> aliasHistory(String name) {
        return jdbc.query("SELECT * FROM NS_MODEL_ALIAS_HISTORY WHERE MODEL_NAME = ? ORDER BY ID", MOVE, name);
    }

    // --- approvals ---------------------------------------------------------------------------------------------------

    /** Who approved a version after its latest gate run, in the order they did. */
    List<String> approvers(String name, int version, int gateRun) {
        return jdbc.queryForList("SELECT APPROVED_BY FROM NS_MODEL_APPROVAL WHERE MODEL_NAME = ? AND VERSION = ? AND GATE_RUN = ? "
                + "ORDER BY APPROVED_AT, APPROVED_BY", String.class, name, version, gateRun);
    }

    void insertApproval(String name, int version, int gateRun, String by, Instant at, String reason) {
        jdbc.update("INSERT INTO NS_MODEL_APPROVAL (MODEL_NAME, VERSION, GATE_RUN, APPROVED_BY, APPROVED_AT, REASON) VALUES (?, ?, ?, ?, ?, ?)",
                name, version, gateRun, by, timestamp(at), reason);
    }

    // --- audit -------------------------------------------------------------------------------------------------------

    void audit(Instant at, String actor, String action, String model, Integer version, String alias, Integer previousVersion,
            Integer newVersion, String reason) {
        jdbc.update("INSERT INTO NS_AUDIT (OCCURRED_AT, ACTOR, ACTION, MODEL_NAME, VERSION, ALIAS, PREVIOUS_VERSION, NEW_VERSION, REASON) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", timestamp(at), actor, action, model, version, alias, previousVersion, newVersion,
                reason);
    }

    /** The trail oldest first: of one model, or of all when {@code model} is null. */
    List<AuditEntry> auditTrail(String model) {
        return model == null
                ? jdbc.query("SELECT * FROM NS_AUDIT ORDER BY ID", AUDIT)
                : jdbc.query("SELECT * FROM NS_AUDIT WHERE MODEL_NAME = ? ORDER BY ID", AUDIT, model);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
