package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.cli.Nightshift;
import io.nightshift.testing.ConsoleCapture;
import io.nightshift.testing.ScoringFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole scoring runs with the job repository on the real PostgreSQL of the dev and CI machine (prod profile), in a
 * schema of their own that Flyway migrates from empty and the class drops afterwards.
 */
class PostgresScoringIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final Pattern RUN_ENDED = Pattern.compile("run (\\d+) execution \\d+: (\\w+)");

    @TempDir
    static Path workspace;
    static Path input;
    static Path model;
    static String schema;
    static final Map<String, String> properties = new LinkedHashMap<>();

    @BeforeAll
    static void createSchemaInputsAndModel() throws Exception {
        schema = "ns_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 2, 3_000, 1_000, 2);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);

        properties.put("spring.profiles.active", "prod");
        properties.put("spring.datasource.url", SERVER + "?currentSchema=" + schema);
        properties.put("spring.datasource.username", USER);
        properties.put("spring.flyway.schemas", schema);
        properties.put("spring.flyway.default-schema", schema);
        properties.put("nightshift.home", workspace.resolve("home").toString());
        properties.forEach(System::setProperty);
        // Any command migrates the empty schema; the concurrency test locks a table that must already exist.
        assertThat(Nightshift.execute("status")).as("status on an empty schema").isZero();
    }

    @AfterAll
    static void clearPropertiesAndDropSchema() throws SQLException {
        properties.keySet().forEach(System::clearProperty);
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void completedRunIsRecordedInPostgresAndCanBeInspectedButNotRelaunched() throws Exception {
        // given: a completed run
        ConsoleCapture.Captured scored = ConsoleCapture.capture(() -> Nightshift.execute(scoreArguments(workspace.resolve("output-single"))));
        assertThat(scored.exitCode()).as(scored.output()).isZero();
        long runId = runId(scored.output());

        // when
        ConsoleCapture.Captured status = ConsoleCapture.capture(() -> Nightshift.execute("status", Long.toString(runId)));
        ConsoleCapture.Captured relaunch = ConsoleCapture.capture(() -> Nightshift.execute("relaunch", Long.toString(runId)));

        // then: the repository in our schema holds it, status shows it, relaunch refuses it as bad usage
        assertThat(executionStatuses(runId)).containsExactly("COMPLETED");
        assertThat(hasRunSettings(runId)).as("NS_RUN holds the run's settings").isTrue();
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("run " + runId + " (score): COMPLETED");
        assertThat(relaunch.exitCode()).as(relaunch.output()).isEqualTo(2);
    }

    @Test
    void twoRunsLaunchedAtOnceBothComplete() throws Exception {
        // given: two runs with different outputs, and the job instance table locked so that neither launch can
        // create its run before the other has reached the same point: their create transactions must overlap
        List<Callable<Integer>> runs = List.of(
                () -> Nightshift.execute(scoreArguments(workspace.resolve("output-concurrent-a"))),
                () -> Nightshift.execute(scoreArguments(workspace.resolve("output-concurrent-b"))));
        ExecutorService executor = Executors.newFixedThreadPool(2);
        List<Integer> exitCodes = new ArrayList<>();
        boolean bothWaited;
        try (Connection gate = connect()) {
            gate.setAutoCommit(false);
            try (Statement lock = gate.createStatement()) {
                lock.execute("LOCK TABLE BATCH_JOB_INSTANCE IN EXCLUSIVE MODE");
            }

            // when: both are launched from two threads and released together once both wait on the lock
            List<Future<Integer>> launched = runs.stream().map(executor::submit).toList();
            bothWaited = awaitLaunchesBlockedOnJobInstances(2, launched);
            gate.commit();
            for (Future<Integer> run : launched) {
                exitCodes.add(run.get(5, TimeUnit.MINUTES));
            }
        } finally {
            executor.shutdownNow();
        }

        // then: the launches did overlap (under SERIALIZABLE one fails: "could not serialize access"), and both
        // complete with their outputs committed
        assertThat(bothWaited).as("both launches were creating their run at the same time").isTrue();
        assertThat(exitCodes).containsExactly(0, 0);
        assertThat(workspace.resolve("output-concurrent-a").resolve("_SUCCESS")).exists();
        assertThat(workspace.resolve("output-concurrent-b").resolve("_SUCCESS")).exists();
    }

    /** Waits until {@code launches} sessions wait for the job instance table, or a launch ended, or a minute passed. */
    private static boolean awaitLaunchesBlockedOnJobInstances(int launches, List<Future<Integer>> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try (Connection connection = connect();
                PreparedStatement waiting = connection.prepareStatement(
                        "SELECT COUNT(*) FROM pg_locks WHERE relation = to_regclass(?) AND NOT granted")) {
            waiting.setString(1, schema + ".batch_job_instance");
            while (System.nanoTime() < deadline && running.stream().noneMatch(Future::isDone)) {
                try (ResultSet rows = waiting.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) >= launches) {
                        return true;
                    }
                }
                Thread.sleep(50);
            }
            return false;
        }
    }

    private static String[] scoreArguments(Path output) {
        return new String[] {"score", "--input", input.toString(), "--output", output.toString(), "--model", model.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "1000", "--threads", "2"};
    }

    private static long runId(String output) {
        Matcher matcher = RUN_ENDED.matcher(output);
        assertThat(matcher.find()).as("a run summary in:\n" + output).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static List<String> executionStatuses(long runId) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ? ORDER BY JOB_EXECUTION_ID")) {
            query.setLong(1, runId);
            List<String> statuses = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statuses.add(rows.getString(1));
                }
            }
            return statuses;
        }
    }

    private static boolean hasRunSettings(long runId) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT COUNT(*) FROM NS_RUN r
                        JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.PARAMETER_NAME = ? AND p.PARAMETER_VALUE = r.RUN_KEY
                        JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = p.JOB_EXECUTION_ID
                        WHERE e.JOB_INSTANCE_ID = ? AND r.JOB_NAME = 'score'""")) {
            query.setString(1, ScoringJobConfiguration.RUN_KEY);
            query.setLong(2, runId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(SERVER + "?currentSchema=" + schema, USER, "");
    }


}
