package io.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.cli.Nightshift;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database as users meet it: real commands of the executable jar in child processes sharing one home,
 * killed with SIGKILL at random instants, started at the same instant, and outliving each other, must all open the
 * database, and every database server they start must be gone by itself afterwards.
 *
 * <p>The child JVMs run with C1 only and a serial GC: it halves the CPU a short-lived command burns on this
 * two-core machine, and nothing under test depends on the JIT.
 */
class EmbeddedDatabaseIntegrationTests {

    private static final int KILLS = 30;
    /** Small chunks: many job repository transactions while the killed runs score. */
    private static final int KILL_COMMIT_INTERVAL = 1_000;
    /** What a run logs once Spring Batch has created it. */
    private static final String RUN_STARTED = "RunListener: Run ";
    private static final String IDLE_TIMEOUT = "2s";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Dnightshift.database.server-idle-timeout=" + IDLE_TIMEOUT);

    @TempDir
    static Path workspace;
    static Path smallInput;
    static Path largeInput;
    static Path model;
    static final List<Path> homes = new ArrayList<>();

    @BeforeAll
    static void createInputsAndModel() throws IOException {
        smallInput = workspace.resolve("small-input");
        ScoringFixtures.data(smallInput, 2, 10_000, 2_500, 3);
        largeInput = workspace.resolve("large-input");
        ScoringFixtures.data(largeInput, 4, 40_000, 10_000, 3);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
    }

    @Test
    void statusRightAfterEachOfThirtySigkillsOfARunningScoreSucceeds() throws Exception {
        // given: a home whose database exists, and how long an uninterrupted score takes in it, in all and once its
        // run has started (most of a short command's life is start-up: a third of the kills aim at the run itself)
        Path home = home("killed");
        NightshiftProcess reference = command(home, "reference");
        assertThat(reference.run("status")).as(reference.output()).isZero();
        reference.start(scoreArguments(smallInput, home.resolve("output-reference"), KILL_COMMIT_INTERVAL));
        long started = System.nanoTime();
        long runStarted = awaitRunStarted(reference);
        assertThat(reference.waitFor(300)).as(reference.output()).isZero();
        long lifeMillis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        long runMillis = Math.max(1, (System.nanoTime() - runStarted) / 1_000_000);
        long seed = Long.getLong("nightshift.kill.seed", System.nanoTime());
        System.out.printf("database kill test: kill instants from seed %d, within %d ms of start or %d ms of the run's start "
                + "(rerun with -Dnightshift.kill.seed=%d)%n", seed, lifeMillis, runMillis, seed);
        Random random = new Random(seed);

        // when: a score is killed with SIGKILL at a random instant, and status starts at once, thirty times over (the
        // next score starts beside that status, so a kill can also land while another command starts)
        long loopStarted = System.nanoTime();
        int kills = 0;
        int killsMidRun = 0;
        int finishedFirst = 0;
        Deque<NightshiftProcess> statuses = new ArrayDeque<>();
        List<String> failedStatuses = new ArrayList<>();
        int succeededStatuses = 0;
        for (int attempt = 0; kills < KILLS; attempt++) {
            NightshiftProcess score = command(home, "score-" + attempt)
                    .start(scoreArguments(smallInput, home.resolve("output-" + attempt), KILL_COMMIT_INTERVAL));
            boolean aimAtRun = random.nextInt(3) == 0;
            long from = aimAtRun ? awaitRunStarted(score) : System.nanoTime();
            long killAt = from + random.nextLong(aimAtRun ? runMillis : lifeMillis) * 1_000_000;
            while (score.isAlive() && System.nanoTime() - killAt < 0) {
                Thread.sleep(5);
            }
            if (!score.isAlive()) {
                finishedFirst++;
                assertThat(score.waitFor(10)).as("a score that finished before its kill:\n" + score.output()).isZero();
                // The machine got faster: aim within the shortest span seen, not to miss again.
                long lived = Math.max(1, (System.nanoTime() - from) / 1_000_000);
                if (aimAtRun) {
                    runMillis = Math.min(runMillis, lived);
                } else {
                    lifeMillis = Math.min(lifeMillis, lived);
                }
                continue;
            }
            score.kill();
            kills++;
            killsMidRun += score.output().contains(RUN_STARTED) ? 1 : 0;
            statuses.add(command(home, "status-" + kills).start("status"));
            // At most two statuses at once: the machine has two cores.
            while (statuses.size() > 1) {
                succeededStatuses += check(statuses.poll(), failedStatuses);
            }
        }
        while (!statuses.isEmpty()) {
            succeededStatuses += check(statuses.poll(), failedStatuses);
        }

        // then
        System.out.printf("database kill test: %d SIGKILLs (%d after the run had started, the others during start-up), %d statuses "
                + "right after them succeeded, %d scores finished first, %.1f s%n", kills, killsMidRun, succeededStatuses, finishedFirst,
                (System.nanoTime() - loopStarted) / 1e9);
        assertThat(failedStatuses).as("statuses that failed after a kill").isEmpty();
        assertThat(succeededStatuses).isEqualTo(KILLS);
    }

    @Test
    void fourCommandsStartedAtTheSameInstantInAFreshHomeAllSucceed() throws Exception {
        // given: a home without a database
        Path home = home("simultaneous");
        Path output = home.resolve("output");

        // when: three statuses and a short score start at once
        List<NightshiftProcess> commands = List.of(command(home, "status-1"), command(home, "status-2"), command(home, "score"),
                command(home, "status-3"));
        commands.get(0).start("status");
        commands.get(1).start("status");
        commands.get(2).start(scoreArguments(smallInput, output));
        commands.get(3).start("status");

        // then: every one succeeds, and the score's output is committed whole
        for (NightshiftProcess command : commands) {
            assertThat(command.waitFor(300)).as(command.output()).isZero();
        }
        CommittedOutput committed = ScoringFixtures.read(output, "score");
        assertThat(committed.duplicates()).isZero();
        assertThat(committed.scores().size() + committed.rejects().size()).isEqualTo(2 * 10_000);
    }

    @Test
    void threeRunsStartedHalfASecondApartAllCompleteWhicheverExitsFirst() throws Exception {
        // given: the expected scores, from a run in this JVM (a server started from the plain class path)
        Path referenceHome = home("reference-in-process");
        Path referenceOutput = referenceHome.resolve("output");
        Map<String, String> settings = Map.of("nightshift.home", referenceHome.resolve("var").toString(),
                "nightshift.database.server-idle-timeout", IDLE_TIMEOUT);
        assertThat(inThisJvm(settings, () -> Nightshift.execute(scoreArguments(largeInput, referenceOutput)))).isZero();
        CommittedOutput expected = ScoringFixtures.read(referenceOutput, "score");
        Path home = home("overlapping");

        // when: a short run, then two long ones, half a second apart, in one home (the long ones in small chunks on one
        // thread: long in time for little CPU, so they are still going when the short one exits, however busy the machine)
        NightshiftProcess first = command(home, "first").start(scoreArguments(smallInput, home.resolve("output-first")));
        Thread.sleep(500);
        NightshiftProcess second = command(home, "second").start(longRunArguments(home.resolve("output-second")));
        Thread.sleep(500);
        NightshiftProcess third = command(home, "third").start(longRunArguments(home.resolve("output-third")));
        long started = System.nanoTime();
        int firstExit = first.waitFor(300);
        boolean othersRunningWhenFirstExited = second.isAlive() && third.isAlive();
        long firstExited = System.nanoTime();
        int secondExit = second.waitFor(300);
        int thirdExit = third.waitFor(300);
        System.out.printf("overlapping runs: the short one exited %.1f s after the third started, the long ones %.1f s later%n",
                (firstExited - started) / 1e9, (System.nanoTime() - firstExited) / 1e9);

        // then: all three complete, the long ones with exactly the reference's scores
        assertThat(firstExit).as(first.output()).isZero();
        assertThat(secondExit).as(second.output()).isZero();
        assertThat(thirdExit).as(third.output()).isZero();
        assertThat(othersRunningWhenFirstExited).as("the long runs were still running when the short one exited "
                + "(else this test proves less than it says: make the long runs longer)").isTrue();
        for (String name : List.of("second", "third")) {
            CommittedOutput actual = ScoringFixtures.read(home.resolve("output-" + name), "score");
            assertThat(actual.duplicates()).isZero();
            assertThat(actual.scores()).as(name).isEqualTo(expected.scores());
            assertThat(actual.rejects()).as(name).isEqualTo(expected.rejects());
            assertThat(actual.files()).isEqualTo(ScoringFixtures.expectedFiles(actual.manifest()));
        }
        CommittedOutput shortRun = ScoringFixtures.read(home.resolve("output-first"), "score");
        assertThat(shortRun.duplicates()).isZero();
        assertThat(shortRun.scores().size() + shortRun.rejects().size()).isEqualTo(2 * 10_000);
    }

    @Test
    void aStatusKilledWhileItHoldsTheDatabaseInItsOwnProcessBlocksNoCommandAfterIt() throws Exception {
        // given: a home with a database and no server running: a status then opens the database in its own process
        Path home = home("brief-killed");
        NightshiftProcess first = command(home, "first");
        assertThat(first.run("status")).as(first.output()).isZero();
        long seed = Long.getLong("nightshift.kill.seed", System.nanoTime());
        Random random = new Random(seed);

        // when: a status is killed with SIGKILL at a random instant of its life, ten times, each followed by a status
        int killed = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            NightshiftProcess status = command(home, "killed-" + attempt).start("status");
            Thread.sleep(random.nextInt(1_500));
            if (status.isAlive()) {
                status.kill();
                killed++;
            } else {
                assertThat(status.waitFor(10)).as(status.output()).isZero();
            }
            NightshiftProcess next = command(home, "next-" + attempt);
            assertThat(next.run("status")).as("the status after kill " + attempt + " (seed " + seed + ")\n" + next.output()).isZero();
        }

        // then: a score after them all starts its server and commits its output whole
        Path output = home.resolve("output");
        NightshiftProcess score = command(home, "score");
        assertThat(score.run(scoreArguments(smallInput, output))).as(score.output()).isZero();
        assertThat(ScoringFixtures.read(output, "score").duplicates()).isZero();
        System.out.printf("database brief-command kill test: %d of 10 statuses killed while alive (seed %d)%n", killed, seed);
        assertThat(killed).as("statuses killed before they finished (seed " + seed + ")").isPositive();
    }

    @Test
    void aServerKilledWithSigkillIsReplacedByTheNextCommand() throws Exception {
        // given: a home whose database server is running (gc goes through it; a status alone would open the file itself)
        Path home = home("server-killed");
        NightshiftProcess status = command(home, "status");
        assertThat(status.run("gc", "--dry-run")).as(status.output()).isZero();
        ServerAddress killed = ServerAddress.read(home.resolve("db").resolve(DatabaseServer.ADDRESS_FILE)).orElseThrow();

        // when: it dies without any chance to clean up (its address file and lock files stay behind)
        ProcessHandle server = ProcessHandle.of(killed.pid()).orElseThrow();
        server.destroyForcibly();
        server.onExit().get();

        // then: a status opens the database past the dead server's leftovers, and the next command that needs a
        // server starts a new one
        assertThat(status.run("status")).as(status.output()).isZero();
        assertThat(status.run("gc", "--dry-run")).as(status.output()).isZero();
        assertThat(ServerAddress.read(home.resolve("db").resolve(DatabaseServer.ADDRESS_FILE))).get()
                .extracting(ServerAddress::pid).isNotEqualTo(killed.pid());
    }

    @Test
    void aStatusThatFindsNoServerOpensTheDatabaseItselfAndLeavesNoServerBehind() throws Exception {
        // given: a fresh home
        Path home = home("brief");
        NightshiftProcess status = command(home, "status");

        // when
        int exitCode = status.run("status");

        // then: it answered, without a server (none was started, and none holds the server lock)
        assertThat(exitCode).as(status.output()).isZero();
        assertThat(status.output()).contains("No runs yet");
        assertThat(servers(home)).isEmpty();
        assertThat(ProcessFileLock.isHeld(home.resolve("db").resolve(DatabaseServer.SERVER_LOCK))).isFalse();
    }

    @Test
    void aStatusKilledWhileItHoldsTheDatabaseInProcessBlocksNoLaterCommand() throws Exception {
        // given: a home with a run in it and no server running
        Path home = home("brief-killed-holding");
        NightshiftProcess score = command(home, "score");
        assertThat(score.run(scoreArguments(smallInput, home.resolve("output")))).as(score.output()).isZero();
        awaitNoServer(home);

        // when: statuses are killed with SIGKILL while each holds the database open in its own process
        for (int kill = 0; kill < 3; kill++) {
            NightshiftProcess status = command(home, "killed-status-" + kill).start("status");
            awaitDatabaseOpenInProcess(home, status);
            status.kill();
        }

        // then: a status and a run after them both succeed, the status seeing the run before
        NightshiftProcess status = command(home, "status");
        assertThat(status.run("status")).as(status.output()).isZero();
        assertThat(status.output()).contains("COMPLETED");
        NightshiftProcess next = command(home, "next-score");
        assertThat(next.run(scoreArguments(smallInput, home.resolve("output-next")))).as(next.output()).isZero();
    }

    @Test
    void aRunAndAStatusArrivingWhileAStatusHoldsTheDatabaseInProcessAllSucceed() throws Exception {
        // given: a home whose database exists, no server running, and a status holding the database in its own process
        Path home = home("brief-hand-off");
        NightshiftProcess first = command(home, "first-status");
        assertThat(first.run("status")).as(first.output()).isZero();
        first.start("status");
        awaitDatabaseOpenInProcess(home, first);

        // when: a run and another status arrive meanwhile
        Path output = home.resolve("output");
        NightshiftProcess score = command(home, "score").start(scoreArguments(smallInput, output));
        NightshiftProcess second = command(home, "second-status").start("status");

        // then: all three succeed, and the run's output is committed whole
        assertThat(first.waitFor(300)).as(first.output()).isZero();
        assertThat(second.waitFor(300)).as(second.output()).isZero();
        assertThat(score.waitFor(300)).as(score.output()).isZero();
        CommittedOutput committed = ScoringFixtures.read(output, "score");
        assertThat(committed.duplicates()).isZero();
        assertThat(committed.scores().size() + committed.rejects().size()).isEqualTo(2 * 10_000);
    }

    @Test
    void aDatabaseThatCannotBeOpenedGivesOneLineNamingItsLocationAndWhatToDo() throws Exception {
        // given: the database directory's place is taken by a file
        Path home = home("unopenable");
        Files.createDirectories(home);
        Files.writeString(home.resolve("db"), "not a directory");
        NightshiftProcess status = command(home, "status");

        // when
        int exitCode = status.run("status");

        // then
        assertThat(exitCode).isEqualTo(1);
        assertThat(status.output().lines().toList()).as(status.output()).singleElement().asString()
                .startsWith("nightshift: Cannot open the embedded database at " + home.resolve("db"))
                .contains("NIGHTSHIFT_HOME");
    }

    @Test
    void aUserGivenH2UrlBypassesTheEmbeddedServer() throws Exception {
        // given: a home, and a database URL of the user's own
        Path home = home("own-url");
        Path ownDatabase = workspace.resolve("own-database").resolve("jobs");
        Map<String, String> settings = Map.of("nightshift.home", home.toString(), "spring.datasource.url", "jdbc:h2:file:" + ownDatabase);

        // when
        int exitCode = inThisJvm(settings, () -> Nightshift.execute("status"));

        // then: the job repository is the user's database, and no server was started for the home
        assertThat(exitCode).isZero();
        assertThat(ownDatabase.resolveSibling("jobs.mv.db")).exists();
        assertThat(home.resolve("db")).doesNotExist();
    }

    @AfterAll
    static void noDatabaseServerOutlivesTheTests() throws Exception {
        // Each server stops by itself IDLE_TIMEOUT after its last command; give a busy machine ample time for that.
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<ProcessHandle> servers = servers();
        while (!servers.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(200);
            servers = servers();
        }
        servers.forEach(ProcessHandle::destroyForcibly);
        assertThat(servers).as("database servers still running a minute after the tests").isEmpty();
        try (Stream<Path> files = Files.walk(workspace)) {
            assertThat(files.filter(file -> file.getFileName().toString().startsWith("hs_err_pid")).toList())
                    .as("JVM crash logs").isEmpty();
        }
    }

    /** Database server processes (the JVM, and setsid where it stayed in front of it) of this class's homes. */
    private static List<ProcessHandle> servers() {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine()
                        .filter(line -> line.contains(DatabaseServer.class.getName()))
                        .filter(line -> homes.stream().anyMatch(home -> line.contains(home.toString())))
                        .isPresent())
                .toList();
    }

    /** Database server processes of one home. */
    private static List<ProcessHandle> servers(Path home) {
        return servers().stream().filter(process -> process.info().commandLine().orElse("").contains(home.resolve("db").toString())).toList();
    }

    /** Waits until the home's last server has stopped by itself (its idle timeout is short here). */
    private static void awaitNoServer(Path home) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!servers(home).isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("the database server of " + home + " stopped within 60 s").isNegative();
            Thread.sleep(100);
        }
    }

    /**
     * Waits until {@code status} has the database file open in its own process (seen in /proc, without touching any
     * lock the status might be about to take).
     */
    private static void awaitDatabaseOpenInProcess(Path home, NightshiftProcess status) throws IOException, InterruptedException {
        Path database = home.resolve("db").resolve(EmbeddedDatabaseConfiguration.DATABASE_NAME + ".mv.db");
        Path descriptors = Path.of("/proc", Long.toString(status.pid()), "fd");
        while (!opens(descriptors, database)) {
            assertThat(status.isAlive()).as("the status is still running:\n" + status.output()).isTrue();
            Thread.sleep(5);
        }
    }

    private static boolean opens(Path descriptors, Path file) throws IOException {
        try (Stream<Path> open = Files.list(descriptors)) {
            return open.anyMatch(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).equals(file);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // the process has exited
        }
    }

    /** A fresh Nightshift home for one test. */    /** A fresh Nightshift home for one test. */
    private static Path home(String name) {
        Path home = workspace.resolve("home-" + name);
        homes.add(home);
        return home;
    }

    /** A command in {@code home}, with its own working directory for its log. */
    private static NightshiftProcess command(Path home, String name) {
        Map<String, String> environment = new HashMap<>();
        environment.put("NIGHTSHIFT_HOME", home.toString());
        return new NightshiftProcess(workspace.resolve("logs-" + home.getFileName()).resolve(name), environment, JVM_OPTIONS);
    }

    private static String[] scoreArguments(Path input, Path output) {
        return scoreArguments(input, output, 2_000);
    }

    private static String[] longRunArguments(Path output) {
        List<String> arguments = new ArrayList<>(List.of(scoreArguments(largeInput, output, 250)));
        arguments.set(arguments.indexOf("--threads") + 1, "1");
        return arguments.toArray(String[]::new);
    }

    private static String[] scoreArguments(Path input, Path output, int commitInterval) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", Integer.toString(commitInterval),
                "--batch-size", "500", "--threads", "2"};
    }

    /**
     * Runs a command in this JVM with {@code settings} as system properties, then puts back what was there before:
     * failsafe sets some of them for every test class (a cleared one would be lost for the classes after this one).
     */
    private static int inThisJvm(Map<String, String> settings, IntSupplier command) {
        Map<String, String> previous = new HashMap<>();
        settings.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try {
            return command.getAsInt();
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    /** The instant (nanoTime) a score's log says its run started, or now if it ended without starting one. */
    private static long awaitRunStarted(NightshiftProcess score) throws InterruptedException {
        while (score.isAlive() && !score.output().contains(RUN_STARTED)) {
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    /** 1 if the status succeeded; else 0, with its output kept for the failure message. */
    private static int check(NightshiftProcess status, List<String> failures) throws InterruptedException {
        int exitCode = status.waitFor(300);
        if (exitCode == 0 && status.output().contains("RUN")) {
            return 1;
        }
        failures.add("exit " + exitCode + ":\n" + status.output());
        return 0;
    }
}
