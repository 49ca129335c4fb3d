package io.nightshift.job;

import static io.nightshift.testing.RunOutputs.runId;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import io.nightshift.testing.TcpProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote partitioning on the real RabbitMQ (127.0.0.1:5672) and PostgreSQL (a private schema): a manager process and
 * `nightshift worker` processes (real JVMs) score 1,000,000 rows while workers are SIGKILLed mid-partition, and the
 * output equals a single-process local run's row for row; no partition ran on two workers at once; a broker that is
 * not there gives one line; a broker lost mid-run fails the run cleanly and its relaunch completes exactly.
 */
class RemotePartitioningIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final int BROKER_PORT = 5672;
    private static final int FILES = 4;
    private static final long ROWS_PER_FILE = 250_000;
    private static final int BAD_ROWS_PER_FILE = 3;
    private static final int KILLS = 3;
    private static final Pattern TAKING = Pattern.compile("Taking partition (\\d+) of run (\\d+).*\\(step execution (\\d+),");
    private static final Pattern ENDED = Pattern.compile("Partition \\d+ of run \\d+ (COMPLETED|STOPPED|FAILED)");
    private static final Pattern RATE = Pattern.compile("Partition \\d+ of run \\d+ COMPLETED: ([\\d,]+) rows in [\\d.]+ s \\(([\\d,]+) rows/s\\)");

    @TempDir
    static Path workspace;
    static String schema;
    static Path input;
    static Path model;
    static CommittedOutput expected;

    @BeforeAll
    static void createSchemaInputsModelAndReference() throws Exception {
        schema = "ns_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        input = workspace.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, 12_500, BAD_ROWS_PER_FILE);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        // The reference: the same job, local partitions, one process, embedded database.
        Path referenceOutput = workspace.resolve("reference-output");
        NightshiftProcess reference = new NightshiftProcess(workspace.resolve("reference-home"), Map.of(), "reference");
        assertThat(reference.run("run", spec("reference", "local", referenceOutput).toString())).as(reference.output()).isZero();
        expected = ScoringFixtures.read(referenceOutput, "score");
        assertThat(expected.scores().size() + expected.rejects().size()).isEqualTo((int) (FILES * ROWS_PER_FILE));
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(SERVER, USER, ""); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** A job spec: 40 partitions of 25,000 rows, 5,000-row checkpoints, one thread (a worker scores one partition). */
    private static Path spec(String name, String mode, Path output) throws IOException {
        Path spec = workspace.resolve("jobs").resolve(name + ".yaml");
        Files.createDirectories(spec.getParent());
        Files.writeString(spec, """
                name: %s
                model: %s
                input: %s
                output: %s
                id-column: %s
                feature-prefix: f
                batch-size: 1000
                commit-interval: 5000
                threads: 1
                partitions:
                  mode: %s
                  target-rows: 25000
                """.formatted(name, model, input, output, ScoringFixtures.ID, mode));
        return spec;
    }

    /** The shared repository (this class's schema) and the broker, as environment variables, the way a pod gets them. */
    private static Map<String, String> environment(int brokerPort, String queue, Map<String, String> more) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPRING_DATASOURCE_URL", SERVER + "?currentSchema=" + schema);
        environment.put("SPRING_DATASOURCE_USERNAME", USER);
        environment.put("SPRING_FLYWAY_SCHEMAS", schema);
        environment.put("SPRING_FLYWAY_DEFAULT_SCHEMA", schema);
        environment.put("SPRING_RABBITMQ_HOST", "127.0.0.1");
        environment.put("SPRING_RABBITMQ_PORT", Integer.toString(brokerPort));
        environment.put("NIGHTSHIFT_REMOTE_QUEUE", queue);
        environment.put("NIGHTSHIFT_REMOTE_POLL_INTERVAL", "500ms");
        environment.put("NIGHTSHIFT_LEASE_HEARTBEAT", "1s");
        environment.put("NIGHTSHIFT_LEASE_TIMEOUT", "10s");
        environment.putAll(more);
        return environment;
    }

    private static String newQueue() {
        return "nightshift.it." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every process a test started, killed after it if still alive (a failed assertion must not leave workers behind). */
    private final List<NightshiftProcess> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        for (NightshiftProcess process : started) {
            if (process.isAlive()) {
                process.kill();
            }
        }
    }

    private NightshiftProcess track(NightshiftProcess process) {
        started.add(process);
        return process;
    }

    private NightshiftProcess startWorker(Path home, Map<String, String> environment, int number) throws IOException {
        return track(new NightshiftProcess(home, environment, "worker-" + number)).start("worker");
    }

    private static void awaitConsuming(List<NightshiftProcess> workers) throws Exception {
        for (NightshiftProcess worker : workers) {
            RunOutputs.waitForOutput(worker, "takes partitions from queue");
        }
    }

    @Test
    void workersKilledMidPartitionLeaveAnOutputIdenticalToALocalRunAndNoPartitionRanTwiceAtOnce() throws Exception {
        // given: three workers on one queue, and a manager running the remote job
        Path home = workspace.resolve("kill-home");
        Map<String, String> environment = environment(BROKER_PORT, newQueue(), Map.of());
        List<NightshiftProcess> workers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            workers.add(startWorker(home, environment, i));
        }
        awaitConsuming(workers);
        Path output = workspace.resolve("remote-output");
        NightshiftProcess manager = track(new NightshiftProcess(home, environment, "manager")).start("run", spec("remote", "remote", output).toString());

        // when: a worker is SIGKILLed in the middle of a partition, KILLS times, each replaced by a new worker
        long seed = Long.getLong("nightshift.remote.seed", System.nanoTime());
        System.out.printf("remote test: kill delays from seed %d (rerun with -Dnightshift.remote.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        int kills = 0;
        int workersStarted = workers.size();
        long deadline = System.nanoTime() + 150_000_000_000L;
        List<NightshiftProcess> killed = new ArrayList<>();
        // and, after the kills, one worker is asked to stop with SIGTERM mid-partition, as Kubernetes does on a spot notice
        NightshiftProcess terminated = null;
        while ((kills < KILLS || terminated == null) && manager.isAlive() && System.nanoTime() < deadline) {
            for (NightshiftProcess worker : List.copyOf(workers)) {
                if (kills == KILLS && terminated == null && midPartition(worker.output()) && wroteAPart(output, worker.output())) {
                    worker.signal("TERM");
                    terminated = worker;
                    workers.remove(worker);
                    workers.add(startWorker(home, environment, ++workersStarted));
                    continue;
                }
                // mid-partition, and past its first checkpoint: a second part file of this attempt exists (its first
                // chunk committed before the second was written)
                if (kills < KILLS && midPartition(worker.output()) && wroteAPart(output, worker.output())) {
                    Thread.sleep(random.nextInt(60));
                    if (midPartition(worker.output())) {
                        worker.kill();
                        kills++;
                        workers.remove(worker);
                        killed.add(worker);
                        workers.add(startWorker(home, environment, ++workersStarted));
                    }
                }
            }
            Thread.sleep(5);
        }
        int exitCode = manager.waitFor(150);

        // then: the run completed, with the local run's rows, none lost or twice, no orphan left
        assertThat(kills).as("workers SIGKILLed mid-partition before the run ended").isEqualTo(KILLS);
        assertThat(terminated).as("a worker stopped with SIGTERM mid-partition before the run ended").isNotNull();
        assertThat(terminated.waitFor(60)).as(terminated.output()).isZero();
        assertThat(terminated.output()).contains("requeue");
        assertThat(exitCode).as(manager.output()).isZero();
        CommittedOutput actual = RunOutputs.assertSameRows(output, expected, true);
        assertThat(actual.manifest().get("rowsRead").asLong()).isEqualTo(FILES * ROWS_PER_FILE);
        long runId = runId(manager.output());
        // each kill left an attempt that the next worker resumed as a new step execution, from the saved checkpoint
        Map<Integer, List<Attempt>> attempts = attempts(runId);
        assertThat(attempts).hasSize(40);
        assertThat(attempts.values().stream().flatMap(List::stream).filter(attempt -> attempt.status().equals("ABANDONED")))
                .hasSizeGreaterThanOrEqualTo(KILLS);
        // no partition ran on two workers at once: each attempt ended (or was abandoned) before the next one started,
        // and took the partition's lease at a higher epoch
        Map<Integer, Long> epochs = partitionEpochs(runId);
        attempts.forEach((partition, list) -> {
            assertThat(list.getLast().status()).as("partition %d", partition).isEqualTo("COMPLETED");
            for (int i = 1; i < list.size(); i++) {
                assertThat(list.get(i - 1).end()).as("partition %d attempt %d ended before attempt %d started", partition, i, i + 1)
                        .isNotNull().isBeforeOrEqualTo(list.get(i).start());
            }
            assertThat(epochs.get(partition)).as("lease epoch of partition %d", partition).isGreaterThanOrEqualTo(list.size());
        });
        killed.add(terminated);
        String killedLogs = String.join("\n", killed.stream().map(NightshiftProcess::output).toList());
        String allLogs = killedLogs + String.join("\n", workers.stream().map(NightshiftProcess::output).toList());
        assertThat(allLogs).contains("resuming after");
        assertThat(Pattern.compile("Exception|\\tat ").matcher(allLogs).find()).as("no stack trace on a worker's console").isFalse();
        printRates(workers, killed);
        for (NightshiftProcess worker : workers) {
            worker.signal("TERM");
            assertThat(worker.waitFor(60)).as(worker.output()).isZero();
        }
    }

    @Test
    void aBrokerThatIsNotThereGivesOneLineAndTheEmbeddedDatabaseIsRefused() throws Exception {
        // given: a port nothing listens on
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path home = workspace.resolve("unreachable-home");
        Map<String, String> environment = environment(closedPort, newQueue(), Map.of());

        // when: a worker and a manager start against it, and a remote run starts on the embedded database
        NightshiftProcess worker = track(new NightshiftProcess(home, environment, "worker")).start("worker");
        NightshiftProcess manager = track(new NightshiftProcess(home, environment, "manager"))
                .start("run", spec("unreachable", "remote", workspace.resolve("unreachable-output")).toString());
        NightshiftProcess embedded = track(new NightshiftProcess(workspace.resolve("embedded-home"), Map.of(), "embedded"))
                .start("run", spec("embedded", "remote", workspace.resolve("embedded-output")).toString());

        // then
        assertThat(worker.waitFor(120)).as(worker.output()).isEqualTo(2);
        assertThat(worker.output()).contains("Cannot start a worker: the RabbitMQ broker at 127.0.0.1:" + closedPort
                + " cannot be reached").contains("spring.rabbitmq.host/port").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(manager.waitFor(120)).as(manager.output()).isEqualTo(1);
        assertThat(manager.output()).contains("the RabbitMQ broker at 127.0.0.1:" + closedPort + " cannot be reached")
                .contains("relaunch").doesNotContain("\tat ");
        assertThat(embedded.waitFor(120)).as(embedded.output()).isEqualTo(2);
        assertThat(embedded.output()).contains("remote partitions need a shared job repository").contains("spring.datasource.url")
                .doesNotContain("\tat ");
    }

    @Test
    void aBrokerLostMidRunFailsTheRunCleanlyAndItsRelaunchCompletesExactly() throws Exception {
        try (TcpProxy broker = TcpProxy.start(BROKER_PORT)) {
            // given: two workers and a manager, all reaching the broker through a proxy
            Path home = workspace.resolve("lost-home");
            Map<String, String> environment = environment(broker.port(), newQueue(), Map.of("NIGHTSHIFT_REMOTE_BROKER_TIMEOUT", "3s"));
            List<NightshiftProcess> workers = List.of(startWorker(home, environment, 1), startWorker(home, environment, 2));
            awaitConsuming(workers);
            Path output = workspace.resolve("lost-output");
            Path spec = spec("lost", "remote", output);
            NightshiftProcess manager = track(new NightshiftProcess(home, environment, "manager")).start("run", spec.toString());

            // when: the broker is cut off once partitions are being scored
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (workers.stream().noneMatch(worker -> worker.output().contains("COMPLETED: ")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            broker.cut();
            int failed = manager.waitFor(120);

            // then: the manager fails the run in words (relaunchable), and once the broker is back its relaunch completes
            assertThat(failed).as(manager.output()).isEqualTo(1);
            assertThat(manager.output()).contains("the RabbitMQ broker at 127.0.0.1:" + broker.port() + " cannot be reached")
                    .doesNotContain("\tat ");
            long runId = runId(manager.output());
            broker.restore();
            NightshiftProcess relaunch = track(new NightshiftProcess(home, environment, "relaunch"));
            assertThat(relaunch.run("relaunch", Long.toString(runId))).as(relaunch.output()).isZero();
            CommittedOutput actual = RunOutputs.assertSameRows(output, expected, true);
            assertThat(actual.manifest().get("rowsRead").asLong()).isEqualTo(FILES * ROWS_PER_FILE);
            for (NightshiftProcess worker : workers) {
                worker.signal("TERM");
                assertThat(worker.waitFor(60)).as(worker.output()).isZero();
            }
        }
    }

    /** Whether a worker's log shows it taking a partition it has not ended yet. */
    private static boolean midPartition(String log) {
        return count(TAKING, log) > count(ENDED, log);
    }

    /** Whether the attempt a worker's log shows it on last has written two part files ({@code ...-a<attempt>.parquet}). */
    private static boolean wroteAPart(Path output, String log) throws IOException {
        Matcher matcher = TAKING.matcher(log);
        String attempt = null;
        while (matcher.find()) {
            attempt = "-a%06d.parquet".formatted(Long.parseLong(matcher.group(3)));
        }
        if (attempt == null || !Files.isDirectory(output)) {
            return false;
        }
        String suffix = attempt;
        try (java.util.stream.Stream<Path> files = Files.list(output)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).count() >= 2;
        }
    }

    private static int count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static void printRates(List<NightshiftProcess> workers, List<NightshiftProcess> killed) {
        List<String> rates = new ArrayList<>();
        for (NightshiftProcess worker : workers) {
            Matcher matcher = RATE.matcher(worker.output());
            while (matcher.find()) {
                rates.add(matcher.group(2));
            }
        }
        System.out.printf("remote test: %d partitions completed by the surviving workers at (rows/s) %s; %d workers killed%n",
                rates.size(), rates, killed.size());
    }

    /** One step execution of a partition, as the job repository holds it. */
    private record Attempt(long id, String status, Timestamp start, Timestamp end) {
    }

    /** Every partition's step executions of run {@code runId}, oldest first. */
    private static Map<Integer, List<Attempt>> attempts(long runId) throws SQLException {
        Map<Integer, List<Attempt>> attempts = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(SERVER + "?currentSchema=" + schema, USER, "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT s.STEP_NAME, s.STEP_EXECUTION_ID, s.STATUS, s.START_TIME, s.END_TIME"
                        + " FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e ON s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID"
                        + " WHERE e.JOB_INSTANCE_ID = " + runId + " AND s.STEP_NAME LIKE 'score-partition:%'"
                        + " ORDER BY s.STEP_EXECUTION_ID")) {
            while (rows.next()) {
                String name = rows.getString(1);
                int partition = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
                attempts.computeIfAbsent(partition, key -> new ArrayList<>())
                        .add(new Attempt(rows.getLong(2), rows.getString(3), rows.getTimestamp(4), rows.getTimestamp(5)));
            }
        }
        return attempts;
    }

    private static Map<Integer, Long> partitionEpochs(long runId) throws SQLException {
        Map<Integer, Long> epochs = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(SERVER + "?currentSchema=" + schema, USER, "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT PARTITION_INDEX, EPOCH FROM NS_PARTITION_LEASE WHERE RUN_ID = " + runId)) {
            while (rows.next()) {
                epochs.put(rows.getInt(1), rows.getLong(2));
            }
        }
        return epochs;
    }
}
