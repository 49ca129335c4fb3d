package io.nightshift.schedule;

import static io.nightshift.testing.RunOutputs.partFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.nightshift.testing.FakeInstanceMetadata;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nightshift serve} as production runs it: real serve processes (the packaged jar) sharing the job repository
 * and Quartz's clustered store on the real PostgreSQL, each test in a schema of its own. Two nodes fire a job every
 * 5 s for 60 s and every fire gets exactly one run; a node killed with SIGKILL mid-run has its run taken over through
 * the lease by the other node, and the output equals an uninterrupted run's row for row; missed fires follow the job's
 * misfire policy after a restart; {@code concurrency: forbid} records an overlapping fire as SKIPPED with its reason;
 * SIGTERM stops a run at a chunk boundary and the restarted node relaunches it to the same output.
 */
class ServeIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final long PATIENCE_NANOS = 150_000_000_000L;

    @TempDir
    static Path workspace;
    static Path smallInput;
    static Path bigInput;
    static Path model;
    static CommittedOutput bigReference;

    String schema;
    Path jobs;
    Path home;
    final List<NightshiftProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void createInputsModelAndReference() throws Exception {
        smallInput = workspace.resolve("small");
        ScoringFixtures.data(smallInput, 1, 2_000, 1_000, 1);
        bigInput = workspace.resolve("big");
        ScoringFixtures.data(bigInput, 3, 40_000, 5_000, 2);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        // The uninterrupted run every interrupted one is compared with, row for row.
        Path referenceOutput = workspace.resolve("reference");
        NightshiftProcess reference = new NightshiftProcess(workspace.resolve("reference-home"), Map.of());
        assertThat(reference.run("score", "--model", model.toString(), "--input", bigInput.toString(), "--output",
                referenceOutput.toString(), "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval",
                "1000", "--batch-size", "500", "--threads", "1")).as(reference.output()).isZero();
        bigReference = ScoringFixtures.read(referenceOutput, "score");
    }

    @BeforeEach
    void createSchema() throws Exception {
        schema = "ns_serve_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        home = Files.createDirectories(workspace.resolve(schema));
        jobs = Files.createDirectories(home.resolve("jobs"));
    }

    @AfterEach
    void stopNodesAndDropSchema() throws Exception {
        for (NightshiftProcess node : nodes) {
            if (node.isAlive()) {
                node.kill();
            }
        }
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void twoNodesRunEachFireOnceAndTheSurvivorTakesOverTheRunOfAKilledNode() throws Exception {
        // given: two nodes sharing the database, and a job firing every 5 s into a location per fire
        writeJob("every5", smallInput, "out/every5/{fire_time:yyyyMMdd'T'HHmmss}", "*/5 * * * * ?", "allow", "run-once-now", 1, true);
        NightshiftProcess a = serve("a");
        NightshiftProcess b = serve("b");
        awaitServing(a);
        awaitServing(b);

        // when: it fires for 60 s, then is disabled by editing its spec (the nodes reload it)
        Thread.sleep(60_000);
        writeJob("every5", smallInput, "out/every5/{fire_time:yyyyMMdd'T'HHmmss}", "*/5 * * * * ?", "allow", "run-once-now", 1, false);
        Thread.sleep(4_000);
        awaitUntil("every fire of every5 settled", () -> count("SELECT COUNT(*) FROM NS_FIRE WHERE JOB_NAME = 'every5'"
                + " AND SETTLED_AT IS NULL") == 0, a, b);

        // then: fire times are every 5 s with none missing, each fire has exactly one run, and no fire ran twice
        List<Instant> fires = instants("SELECT FIRE_TIME FROM NS_FIRE WHERE JOB_NAME = 'every5' ORDER BY FIRE_TIME");
        assertThat(fires).hasSizeGreaterThanOrEqualTo(10);
        for (int i = 1; i < fires.size(); i++) {
            assertThat(Duration.between(fires.get(i - 1), fires.get(i))).as("gap after fire %s", fires.get(i - 1))
                    .isEqualTo(Duration.ofSeconds(5));
        }
        assertThat(count("SELECT COUNT(*) FROM NS_FIRE WHERE JOB_NAME = 'every5' AND (STATUS <> 'LAUNCHED' OR OUTCOME <> 'COMPLETED')"))
                .as("fires not launched or not completed: %s%n--- node a:%n%s%n--- node b:%n%s", unsettled(), a.output(), b.output())
                .isZero();
        long runs = count("SELECT COUNT(DISTINCT e.JOB_INSTANCE_ID) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p"
                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE p.PARAMETER_NAME = 'fire.time'");
        long fireTimesWithRuns = count("SELECT COUNT(DISTINCT p.PARAMETER_VALUE) FROM BATCH_JOB_EXECUTION_PARAMS p"
                + " WHERE p.PARAMETER_NAME = 'fire.time'");
        long executions = count("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION");
        assertThat(runs).as("runs (job instances)").isEqualTo(fires.size());
        assertThat(fireTimesWithRuns).as("distinct fire times of the runs").isEqualTo(fires.size());
        assertThat(executions).as("executions: one per run, none run twice").isEqualTo(fires.size());
        long duplicates = count("SELECT COALESCE(SUM(DUPLICATES), 0) FROM NS_FIRE");
        long onA = count("SELECT COUNT(*) FROM NS_FIRE WHERE NODE LIKE '% pid " + a.pid() + "'");
        System.out.printf("serve cluster: %d fires checked over 60 s, %d runs, %d executions, %d duplicate fire(s) refused;"
                + " %d ran on node a, %d on node b%n", fires.size(), runs, executions, duplicates, onA, fires.size() - onA);

        // given: a long job firing once, soon
        Path output = home.resolve("out/long");
        writeJob("long", bigInput, "out/long", onceAt(Instant.now().plusSeconds(6)), "forbid", "run-once-now", 3, true);
        long runId = awaitRunOf("long", a, b);
        awaitUntil("a few parts of the long run", () -> partFiles(output) >= 5, a, b);

        // when: the node running it is killed with SIGKILL
        long owner = count("SELECT OWNER_PID FROM NS_RUN_LEASE WHERE RUN_ID = " + runId);
        NightshiftProcess victim = owner == a.pid() ? a : b;
        NightshiftProcess survivor = victim == a ? b : a;
        assertThat(victim.pid()).as("the lease names one of the nodes").isEqualTo(owner);
        long killedAt = System.nanoTime();
        victim.kill();

        // then: the survivor takes the run over through its lease and completes it, equal to an uninterrupted run
        awaitUntil("the takeover of run " + runId, () -> count("SELECT EPOCH FROM NS_RUN_LEASE WHERE RUN_ID = " + runId) > 1, survivor);
        double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
        awaitUntil("run " + runId + " completed", () -> "COMPLETED".equals(lastStatus(runId)), survivor);
        double completedSeconds = (System.nanoTime() - killedAt) / 1e9;
        RunOutputs.assertSameRows(output, bigReference, true);
        System.out.printf("serve cluster: node pid %d killed mid-run; run %d taken over by pid %d in %.1f s (heal interval 1 s,"
                + " lease timeout 5 s), completed %.1f s after the kill, %,d rows identical to an uninterrupted run%n",
                victim.pid(), runId, survivor.pid(), takeoverSeconds, completedSeconds, bigReference.scores().size());
        NightshiftProcess status = statusOf(runId);
        assertThat(status.output()).contains("trigger     schedule by").contains("then takeover by").contains("owner lost");
        assertThat(count("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID ="
                + " e.JOB_INSTANCE_ID WHERE i.JOB_INSTANCE_ID = " + runId + " AND e.STATUS = 'FAILED'")).as("the lost execution")
                .isEqualTo(1);
        survivor.terminate();
        assertThat(survivor.waitFor(120)).as(survivor.output()).isZero();
    }

    @Test
    void missedFiresFollowTheMisfirePolicyOnRestart() throws Exception {
        // given: two jobs every 5 s, one catching up missed fires once, one skipping them; a node that fired both
        writeJob("catch-up", smallInput, "out/catch-up/{fire_time:yyyyMMdd'T'HHmmss.SSS}", "*/5 * * * * ?", "allow", "run-once-now", 1, true);
        writeJob("skipper", smallInput, "out/skipper/{fire_time:yyyyMMdd'T'HHmmss.SSS}", "*/5 * * * * ?", "allow", "skip", 1, true);
        NightshiftProcess node = serve("node");
        awaitServing(node);
        awaitUntil("a fire of each job", () -> count("SELECT COUNT(DISTINCT JOB_NAME) FROM NS_FIRE") == 2, node);

        // when: the only node is down across two fire times or more, then starts again
        node.terminate();
        assertThat(node.waitFor(120)).as(node.output()).isZero();
        Instant down = Instant.now();
        Thread.sleep(12_000);
        Instant restarted = Instant.now();
        node = serve("node");
        awaitServing(node);
        Thread.sleep(3_000);

        // then: the catch-up job ran once for all the fires it missed (at restart, off the 5 s grid); the skipper none
        List<Instant> missedCatchUp = instants("SELECT FIRE_TIME FROM NS_FIRE WHERE JOB_NAME = 'catch-up' AND FIRE_TIME > ?"
                + " ORDER BY FIRE_TIME", down);
        List<Instant> missedSkipper = instants("SELECT FIRE_TIME FROM NS_FIRE WHERE JOB_NAME = 'skipper' AND FIRE_TIME > ?"
                + " ORDER BY FIRE_TIME", down);
        List<Instant> catchUps = missedCatchUp.stream().filter(time -> time.toEpochMilli() % 5_000 != 0).toList();
        System.out.printf("misfire: down %s to %s; catch-up fires after the restart %s; skipper fires after it %s%n", down,
                restarted, missedCatchUp, missedSkipper);
        assertThat(catchUps).as("run-once-now: one catch-up fire").hasSize(1);
        assertThat(catchUps.getFirst()).isAfter(restarted);
        assertThat(missedCatchUp.stream().filter(time -> time.isBefore(restarted))).as("missed fires are not replayed").isEmpty();
        assertThat(missedSkipper).as("skip: no fire between the shutdown and the restart, none off the grid")
                .allMatch(time -> time.isAfter(restarted) && time.toEpochMilli() % 5_000 == 0);
        node.terminate();
        assertThat(node.waitFor(120)).as(node.output()).isZero();
    }

    @Test
    void forbidSkipsAnOverlappingFireAndSigtermStopsARunThatTheRestartedNodeCompletes() throws Exception {
        // given: a slow job firing every 2 s that must not overlap itself
        Path outputs = home.resolve("out/slow");
        writeJob("slow", bigInput, "out/slow/{fire_time:yyyyMMdd'T'HHmmss}", "*/2 * * * * ?", "forbid", "skip", 1, true);
        NightshiftProcess node = serve("node");
        awaitServing(node);
        long runId = awaitRunOf("slow", node);
        awaitUntil("a fire skipped for the running run", () -> count("SELECT COUNT(*) FROM NS_FIRE WHERE JOB_NAME = 'slow'"
                + " AND STATUS = 'SKIPPED'") > 0, node);
        Path output;
        try (Stream paths = new Stream(outputs)) {
            output = paths.only();
        }
        awaitUntil("a few parts", () -> partFiles(output) >= 5, node);

        // when: the node gets SIGTERM mid-run
        node.terminate();
        int exit = node.waitFor(120);

        // then: the overlapping fire was recorded SKIPPED with its reason, the run STOPPED at a chunk boundary
        assertThat(exit).as(node.output()).isZero();
        String reason = string("SELECT REASON FROM NS_FIRE WHERE JOB_NAME = 'slow' AND STATUS = 'SKIPPED' ORDER BY FIRE_TIME");
        // (the fire may land while the first fire's run is still being created, or once it runs)
        assertThat(reason).contains("concurrency: forbid").contains("still").containsAnyOf("run " + runId + " ", "the run of fire");
        assertThat(lastStatus(runId)).isEqualTo("STOPPED");
        assertThat(Files.exists(output.resolve("_SUCCESS"))).isFalse();

        // when: the job is disabled (no new fires) and the node starts again
        writeJob("slow", bigInput, "out/slow/{fire_time:yyyyMMdd'T'HHmmss}", "*/2 * * * * ?", "forbid", "skip", 1, false);
        node = serve("node");
        awaitServing(node);

        // then: it relaunches the stopped run from its checkpoint, to the output of an uninterrupted run
        awaitUntil("run " + runId + " completed", () -> "COMPLETED".equals(lastStatus(runId)), node);
        RunOutputs.assertSameRows(output, bigReference, true);
        assertThat(statusOf(runId).output()).contains("then takeover by").contains("STOPPED");
        node.terminate();
        assertThat(node.waitFor(120)).as(node.output()).isZero();
    }

    @Test
    void aSpotInterruptionNoticeStopsTheNodeAndItsRunAsSigtermDoes() throws Exception {
        try (FakeInstanceMetadata metadata = new FakeInstanceMetadata()) {
            // given: a node on a spot instance, running a slow job
            Path outputs = home.resolve("out/slow");
            writeJob("slow", bigInput, "out/slow/{fire_time:yyyyMMdd'T'HHmmss}", "*/2 * * * * ?", "forbid", "skip", 1, true);
            NightshiftProcess node = serve("node", "-Dnightshift.spot.endpoint=" + metadata.endpoint(),
                    "-Dnightshift.spot.enabled=true", "-Dnightshift.spot.interval=200ms");
            awaitServing(node);
            long runId = awaitRunOf("slow", node);
            Path output;
            try (Stream paths = new Stream(outputs)) {
                output = paths.only();
            }
            awaitUntil("a few parts", () -> partFiles(output) >= 3, node);

            // when: EC2 announces the instance's termination
            metadata.interrupt("terminate", "2026-12-02T12:34:56Z");

            // then: the node stops as on SIGTERM, the run STOPPED at a chunk boundary with the notice as its reason
            assertThat(node.waitFor(120)).as(node.output()).isZero();
            assertThat(node.output()).contains("spot interruption notice (terminate at 12:34:56Z)");
            assertThat(lastStatus(runId)).isEqualTo("STOPPED");
            assertThat(Files.exists(output.resolve("_SUCCESS"))).isFalse();
        }
    }

    /** The single directory under a parent (the one fire's output). */
    private record Stream(Path parent) implements AutoCloseable {
        Path only() throws Exception {
            try (java.util.stream.Stream<Path> children = Files.list(parent)) {
                List<Path> all = children.toList();
                assertThat(all).hasSize(1);
                return all.getFirst();
            }
        }

        @Override
        public void close() {
        }
    }

    private void writeJob(String name, Path input, String output, String cron, String concurrency, String misfire,
            int maxAttempts, boolean enabled) throws Exception {
        Path file = jobs.resolve(name + ".yaml");
        Path temporary = jobs.resolve("." + name + ".tmp");
        Files.writeString(temporary, """
                name: %s
                model: %s
                input: %s
                output: ../%s
                id-column: %s
                feature-prefix: f
                batch-size: 500
                commit-interval: 500
                threads: 1
                schedule:
                  cron: "%s"
                  timezone: Europe/Berlin
                  concurrency: %s
                  misfire: %s
                  max-attempts: %d
                  enabled: %s
                """.formatted(name, model, input, output, ScoringFixtures.ID, cron, concurrency, misfire, maxAttempts, enabled));
        // A rename, so a node's reload never reads half a file.
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A Quartz cron expression firing once, at {@code time} (to the second, in the jobs' zone). */
    private static String onceAt(Instant time) {
        return DateTimeFormatter.ofPattern("s m H d M '?' yyyy", Locale.ROOT).format(time.atZone(java.time.ZoneId.of("Europe/Berlin")));
    }

    private NightshiftProcess serve(String name, String... moreOptions) throws Exception {
        List<String> options = new ArrayList<>(List.of(
                "-Dspring.datasource.url=" + SERVER + "?currentSchema=" + schema,
                "-Dspring.datasource.username=" + USER,
                "-Dspring.datasource.password=",
                "-Dspring.flyway.schemas=" + schema,
                "-Dspring.flyway.default-schema=" + schema,
                "-Dnightshift.lease.heartbeat=1s",
                "-Dnightshift.lease.timeout=5s",
                "-Dserver.port=0",
                "-Dnightshift.serve.heal-interval=1s",
                "-Dnightshift.serve.reload-interval=1s",
                "-Dnightshift.serve.shutdown-grace=60s",
                "-Dspring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=2000",
                "-Dspring.quartz.properties.org.quartz.jobStore.misfireThreshold=1000",
                "-Duser.timezone=UTC"));
        options.addAll(List.of(moreOptions));
        NightshiftProcess node = new NightshiftProcess(home, Map.of(), name, options);
        nodes.add(node);
        node.start("serve", "--jobs", jobs.toString());
        return node;
    }

    private static void awaitServing(NightshiftProcess node) throws Exception {
        RunOutputs.waitForOutput(node, "nightshift: serving");
    }

    /** The run of a job's first launched fire, once it exists. */
    private long awaitRunOf(String job, NightshiftProcess... nodes) throws Exception {
        awaitUntil("a run of " + job, () -> count("SELECT COUNT(*) FROM NS_FIRE f JOIN BATCH_JOB_EXECUTION_PARAMS p ON"
                + " p.PARAMETER_NAME = 'run.key' AND p.PARAMETER_VALUE = f.RUN_KEY WHERE f.JOB_NAME = '" + job + "'") > 0, nodes);
        return count("SELECT MIN(e.JOB_INSTANCE_ID) FROM NS_FIRE f JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.PARAMETER_NAME ="
                + " 'run.key' AND p.PARAMETER_VALUE = f.RUN_KEY JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = p.JOB_EXECUTION_ID"
                + " WHERE f.JOB_NAME = '" + job + "'");
    }

    private NightshiftProcess statusOf(long runId) throws Exception {
        NightshiftProcess status = new NightshiftProcess(home, Map.of(), "status", List.of(
                "-Dspring.datasource.url=" + SERVER + "?currentSchema=" + schema, "-Dspring.datasource.username=" + USER,
                "-Dspring.datasource.password=", "-Dspring.flyway.schemas=" + schema, "-Dspring.flyway.default-schema=" + schema));
        assertThat(status.run("status", Long.toString(runId))).as(status.output()).isZero();
        return status;
    }

    private String lastStatus(long runId) throws SQLException {
        return string("SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = " + runId + " ORDER BY JOB_EXECUTION_ID DESC");
    }

    /** Polls (every 100 ms, at most 150 s: a hang guard, not a speed check); fails early if a node dies. */
    private static void awaitUntil(String what, Callable<Boolean> condition, NightshiftProcess... alive) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!condition.call()) {
            for (NightshiftProcess node : alive) {
                assertThat(node.isAlive()).as("node alive while waiting for %s:%n%s", what, node.output()).isTrue();
            }
            if (System.nanoTime() > deadline) {
                StringBuilder outputs = new StringBuilder();
                for (NightshiftProcess node : alive) {
                    outputs.append(node.output());
                }
                fail("gave up waiting for %s:%n%s", what, outputs);
            }
            Thread.sleep(100);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(SERVER + "?currentSchema=" + schema, USER, "");
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the first node has not migrated the schema yet
            }
            throw e;
        }
    }

    /** The fires of every5 that did not end COMPLETED, with their status, outcome, node and reason, for a failure message. */
    private String unsettled() throws SQLException {
        StringBuilder fires = new StringBuilder();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT FIRE_TIME, STATUS, OUTCOME, NODE, RUN_KEY, REASON FROM NS_FIRE"
                        + " WHERE JOB_NAME = 'every5' AND (STATUS <> 'LAUNCHED' OR OUTCOME <> 'COMPLETED') ORDER BY FIRE_TIME")) {
            while (rows.next()) {
                fires.append(String.format("%n  %s %s %s on %s run %s: %s", rows.getString(1), rows.getString(2),
                        rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6)));
            }
        }
        return fires.toString();
    }

    private String string(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private List<Instant> instants(String sql, Instant... parameters) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i].atOffset(ZoneOffset.UTC));
            }
            List<Instant> instants = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    instants.add(rows.getObject(1, OffsetDateTime.class).toInstant());
                }
            }
            return instants;
        }
    }
}
