package io.nightshift.model.registry;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.NightshiftApplication;
import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RegistryFixtures;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scoring with registry references end to end: {@code --model churn@production} scores what production names when the
 * run is planned, the run records that exact version and its sha256 (manifest and status), promotion and rollback
 * change what the next run scores, and a relaunch scores the version its run pinned even after production moved.
 */
class RegistryScoringIntegrationTests {

    private static final int FILES = 2;
    private static final long ROWS_PER_FILE = 20_000;
    private static final int ROW_GROUP_ROWS = 5_000;

    @TempDir
    static Path workspace;
    static Path home;
    static Path input;
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;

    @BeforeAll
    static void startWithAHomeOfItsOwn() throws IOException {
        home = workspace.resolve("home");
        // The home a child process gets from NightshiftProcess: both see the same runs and the same registry.
        System.setProperty("nightshift.home", home.resolve("var").toString());
        input = workspace.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, ROW_GROUP_ROWS, 2);
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        System.clearProperty("nightshift.home");
    }

    @Test
    void productionIsScoredAsPromotedAndAfterARollbackTheRunRecordsVersion1AndItsSha256() throws IOException {
        // given: churn 1 promoted
        promoteNew("churn", 1);
        ModelVersion first = registry.version("churn@1");

        // when: scored, then 2 promoted and scored, then rolled back and scored
        Result one = nightshift(score("churn@production", "scores-1", "2"));
        promoteNew("churn", 2);
        Result two = nightshift(score("churn@production", "scores-2", "2"));
        Result rollback = nightshift("models", "rollback", "churn", "--by", "bob", "--reason", "2 drifted");
        Result three = nightshift(score("churn@production", "scores-3", "2"));
        Result status = nightshift("status", Long.toString(three.runId()));

        // then: each run recorded the version production named when it was planned, and scored with it
        assertThat(one.exitCode()).as(one.all()).isZero();
        assertThat(two.exitCode()).as(two.all()).isZero();
        assertThat(rollback.exitCode()).as(rollback.all()).isZero();
        assertThat(three.exitCode()).as(three.all()).isZero();
        CommittedOutput scoredByOne = ScoringFixtures.read(workspace.resolve("scores-1"), "score");
        CommittedOutput scoredByTwo = ScoringFixtures.read(workspace.resolve("scores-2"), "score");
        CommittedOutput scoredByThree = ScoringFixtures.read(workspace.resolve("scores-3"), "score");
        assertThat(model(scoredByOne)).containsEntry("version", "1").containsEntry("location", "churn@1");
        assertThat(model(scoredByTwo)).containsEntry("version", "2").containsEntry("sha256", registry.version("churn@2").sha256());
        assertThat(model(scoredByThree)).containsEntry("name", "churn").containsEntry("version", "1")
                .containsEntry("sha256", first.sha256()).containsEntry("location", "churn@1");
        assertThat(scoredByTwo.scores()).isNotEqualTo(scoredByOne.scores());
        assertThat(scoredByThree.scores()).isEqualTo(scoredByOne.scores());
        assertThat(status.out()).contains("  model       churn@1 (sha256 " + first.sha256().substring(0, 12) + ")");
    }

    @Test
    void aRelaunchScoresTheVersionItsRunPinnedAfterProductionMoved() throws Exception {
        // given: a run of pinned@production (version 1) killed part way in its own process
        promoteNew("pinned", 3);
        ModelVersion first = registry.version("pinned@1");
        Path output = workspace.resolve("pinned-scores");
        NightshiftProcess process = new NightshiftProcess(home, Map.of()).withStderrApart();
        process.start(append(score("pinned@production", "pinned-scores", "1"), "--batch-size", "50", "--commit-interval", "500"));
        RunOutputs.waitForParts(process, output, 2);
        long runId = RunOutputs.runId(process.errors());
        process.kill();

        // when: production moves to 2, then the run is relaunched
        promoteNew("pinned", 4);
        Result relaunch = nightshift("relaunch", Long.toString(runId));
        Result reference = nightshift(score("pinned@1", "pinned-reference", "2"));

        // then: the whole run scored with version 1, as pinned
        assertThat(registry.version("pinned@production").version()).isEqualTo(2);
        assertThat(relaunch.exitCode()).as(relaunch.all() + process.errors()).isZero();
        assertThat(reference.exitCode()).as(reference.all()).isZero();
        CommittedOutput relaunched = RunOutputs.assertSameRows(output, ScoringFixtures.read(workspace.resolve("pinned-reference"), "score"),
                true);
        assertThat(model(relaunched)).containsEntry("version", "1").containsEntry("sha256", first.sha256());
    }

    private static Map<String, String> model(CommittedOutput output) {
        Map<String, String> model = new java.util.LinkedHashMap<>();
        output.manifest().get("model").properties().forEach(entry -> model.put(entry.getKey(), entry.getValue().asString()));
        return model;
    }

    /** Registers a new version by alice, has the gate pass it against the current production, and bob approve it. */
    private static void promoteNew(String name, long seed) throws IOException {
        Path directory = RegistryFixtures.modelDirectory(workspace.resolve("models").resolve(name + "-" + seed), seed);
        Result register = nightshift("models", "register", directory.toString(), "--name", name, "--by", "alice");
        assertThat(register.exitCode()).as(register.all()).isZero();
        int version = registry.model(name).latest().version();
        registry.recordGateResult(name, version, true, registry.model(name).aliases().get(ModelRegistry.PRODUCTION), 1, false, null,
                "gate");
        Result approve = nightshift("models", "approve", name, Integer.toString(version), "--by", "bob", "--reason", "gate passed");
        assertThat(approve.exitCode()).as(approve.all()).isZero();
    }

    private static String[] score(String model, String output, String threads) {
        return new String[] {"score", "--model", model, "--input", input.toString(), "--output", workspace.resolve(output).toString(),
                "--id-column", ScoringFixtures.ID, "--threads", threads};
    }

    private static String[] append(String[] arguments, String... more) {
        String[] all = java.util.Arrays.copyOf(arguments, arguments.length + more.length);
        System.arraycopy(more, 0, all, arguments.length, more.length);
        return all;
    }
}
