package io.nightshift.job;

import static io.nightshift.testing.RunOutputs.runId;
import static io.nightshift.testing.RunOutputs.waitForOutput;
import static io.nightshift.testing.RunOutputs.waitForParts;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leases that two processes cannot both win, with real processes on the embedded H2 and on the real PostgreSQL: two relaunches started at
 * the same instant run the run exactly once, and an owner frozen (SIGSTOP) past its lease that wakes up while its
 * successor runs commits nothing. Each case ends with output identical to an uninterrupted run's.
 */
class RunLeaseIntegrationTests {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";

    @TempDir
    static Path workspace;
    static Path input;
    static Path model;
    static CommittedOutput reference;
    static final List<String> schemas = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void createInputsModelAndReferenceOutput() throws Exception {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 4, 40_000, 10_000, 3);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        Path referenceOutput = workspace.resolve("reference-output");
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("reference-home"), Map.of());
        assertThat(process.run(score(referenceOutput))).as(process.output()).isZero();
        reference = ScoringFixtures.read(referenceOutput, "score");
    }

    @AfterAll
    static void dropSchemas() throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void twoRelaunchesStartedAtTheSameInstantRunExactlyOnce(String database, TestInfo test) throws Exception {
        // given: a killed run
        Path home = home(test, database);
        Path output = home.resolve("output");
        Map<String, String> environment = environment(database, Map.of());
        NightshiftProcess first = new NightshiftProcess(home, environment, "relaunch-a");
        first.start(score(output));
        waitForParts(first, output, 3);
        first.kill();
        long runId = runId(first.output());
        NightshiftProcess second = new NightshiftProcess(home, environment, "relaunch-b");

        // when: two operators relaunch it at once
        first.start("relaunch", Long.toString(runId));
        second.start("relaunch", Long.toString(runId));
        int firstExit = first.waitFor(300);
        int secondExit = second.waitFor(300);

        // then: one runs it to the end, the other is refused without touching it
        assertThat(List.of(firstExit, secondExit)).as(first.output() + "\n---\n" + second.output()).containsExactlyInAnyOrder(0, 2);
        String refusal = firstExit == 2 ? first.output() : second.output();
        assertThat(refusal).containsAnyOf("is being relaunched by another process", "is still running");
        assertIdenticalToReference(output);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aZombieOwnerThatResumesAfterItsRunWasTakenOverCommitsNothing(String database, TestInfo test) throws Exception {
        // given: a run frozen (SIGSTOP) part way, long enough for its lease to expire
        Path home = home(test, database);
        Path output = home.resolve("output");
        Map<String, String> environment = environment(database,
                Map.of("NIGHTSHIFT_LEASE_HEARTBEAT", "300ms", "NIGHTSHIFT_LEASE_TIMEOUT", "2s"));
        NightshiftProcess zombie = new NightshiftProcess(home, environment, "zombie");
        NightshiftProcess successor = new NightshiftProcess(home, environment, "successor");
        try {
            zombie.start(score(output));
            waitForParts(zombie, output, 3);
            zombie.freeze();
            long runId = runId(zombie.output());
            Thread.sleep(3_000);

            // when: another process takes the run over, and the zombie wakes up while the successor runs
            successor.start("relaunch", Long.toString(runId));
            waitForOutput(successor, "Run " + runId + " started");
            zombie.thaw();
            int zombieExit = zombie.waitFor(300);
            int successorExit = successor.waitFor(300);

            // then: the zombie stops without committing (taken over at its next chunk, or its frozen database session
            // ended by the takeover), the successor completes, and the output is exact
            assertThat(successorExit).as(successor.output()).isZero();
            assertThat(zombieExit).as(zombie.output()).isNotZero();
            assertIdenticalToReference(output);
            System.out.printf("zombie test (%s): zombie exit %d, %s; successor %s%n", database, zombieExit,
                    zombie.output().contains("was taken over") ? "stopped at its next chunk (taken over)" : "its session was ended",
                    successor.output().contains("Ending database session") ? "ended the frozen holder's session" : "waited for no lock");
        } finally {
            if (zombie.isAlive()) {
                zombie.thaw();
                zombie.kill();
            }
            if (successor.isAlive()) {
                successor.kill();
            }
        }
    }

    /** The environment of a child process using {@code database}: the embedded H2, or a fresh PostgreSQL schema. */
    private static Map<String, String> environment(String database, Map<String, String> extra) throws SQLException {
        Map<String, String> environment = new HashMap<>(extra);
        if (database.equals("postgresql")) {
            String schema = "ns_lease_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE SCHEMA " + schema);
            }
            schemas.add(schema);
            environment.put("SPRING_PROFILES_ACTIVE", "prod");
            environment.put("SPRING_DATASOURCE_URL", SERVER + "?currentSchema=" + schema);
            environment.put("SPRING_DATASOURCE_USERNAME", USER);
            environment.put("SPRING_FLYWAY_SCHEMAS", schema);
            environment.put("SPRING_FLYWAY_DEFAULT_SCHEMA", schema);
        }
        return environment;
    }

    private static String[] score(Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "5000", "--batch-size", "2500",
                "--threads", "2"};
    }

    private static Path home(TestInfo test, String database) throws IOException {
        return Files.createDirectories(workspace.resolve(test.getTestMethod().orElseThrow().getName() + "-" + database));
    }



    private static void assertIdenticalToReference(Path output) throws IOException {
        RunOutputs.assertSameRows(output, reference, true);
    }


}
