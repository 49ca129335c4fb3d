package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.NightshiftApplication;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelVersion;
import io.nightshift.testing.NightshiftProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Retraining runs in a child {@code nightshift} process killed with SIGKILL while training, and right after training
 * (registering or gating), then relaunched: each run registers exactly one version, whatever instant the kill hit.
 * Each run trains with a seed of its own, so each has different bytes to register. Prints its seed for a replay.
 */
class RetrainCrashRecoveryIntegrationTests {

    private static final int RUNS = 3;

    @TempDir
    static Path workspace;
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;
    static Runs runs;

    @BeforeAll
    static void startBesideTheChildProcesses() throws Exception {
        RetrainJobIntegrationTests.writeWorkspace(workspace);
        // The child processes' home (NightshiftProcess sets NIGHTSHIFT_HOME to <dir>/var); this JVM only looks.
        System.setProperty("nightshift.home", workspace.resolve("var").toString());
        // A first command migrates the home's database and exits before any registration: what a user's first
        // command does, and what once left H2 refusing every later registration.
        assertThat(new NightshiftProcess(workspace, Map.of(), "init").run("models", "list")).isZero();
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
        runs = context.getBean(Runs.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        System.clearProperty("nightshift.home");
    }

    @Test
    void aRetrainingRunKilledAtAnyPointAndRelaunchedRegistersExactlyOneVersion() throws Exception {
        long seed = Long.getLong("nightshift.crash.seed", System.nanoTime());
        System.out.printf("retrain crash test: kill points from seed %d (rerun with -Dnightshift.crash.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        for (int run = 0; run < RUNS; run++) {
            // given
            String name = "retrain-crash-" + run;
            Path spec = workspace.resolve("jobs").resolve(name + ".yaml");
            Files.writeString(spec, """
                    name: %s
                    kind: retrain
                    model: churn
                    training: {data: ../train/, label: churned, feature-prefix: f, family: mlp, hidden: [8], epochs: 8, seed: %d}
                    policy: ../policy.yaml
                    """.formatted(name, 100 + run));
            int before = versions().size();
            boolean afterTraining = run % 2 == 1;
            long delayMillis = random.nextInt(afterTraining ? 600 : 250);

            // when: killed while training, or 0-600 ms after it (registering, gating)
            NightshiftProcess process = new NightshiftProcess(workspace, Map.of(), name).start("run", spec.toString());
            String killedIn = killAfter(process, afterTraining ? "Retrainer: Trained" : "RunListener: Run ", delayMillis);
            Optional<Runs.RunView> created = runs.recent(0).stream().filter(view -> view.jobName().equals(name)).findFirst();
            int exit;
            if (created.isEmpty()) {
                exit = new NightshiftProcess(workspace, Map.of(), name + "-again").run("run", spec.toString());
            } else if (created.get().status().equals("COMPLETED")) {
                exit = 0;
            } else {
                NightshiftProcess relaunch = new NightshiftProcess(workspace, Map.of(), name + "-relaunch");
                exit = relaunch.run("relaunch", Long.toString(created.get().runId()));
                assertThat(exit).as(relaunch.output()).isZero();
            }
            System.out.printf("retrain crash test: run %d killed %s (%d ms), then %s%n", run, killedIn, delayMillis,
                    created.isEmpty() ? "started again" : "relaunched");

            // then
            assertThat(exit).isZero();
            List<ModelVersion> after = versions();
            assertThat(after).as("versions after run %s", name).hasSize(before + 1);
            assertThat(after.getLast().registeredBy()).isEqualTo("job:" + name);
            assertThat(runs.recent(0).stream().filter(view -> view.jobName().equals(name)).map(Runs.RunView::status))
                    .containsOnly("COMPLETED");
        }
    }

    private static List<ModelVersion> versions() {
        return registry.models().stream().filter(model -> model.name().equals("churn")).flatMap(model -> model.versions().stream())
                .toList();
    }

    /** Kills the process {@code delayMillis} after its output first shows {@code marker}; says where it was. */
    private static String killAfter(NightshiftProcess process, String marker, long delayMillis) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        long dueAt = -1;
        while (process.isAlive() && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (dueAt < 0 && process.output().contains(marker)) {
                dueAt = now + delayMillis * 1_000_000;
            }
            if (dueAt >= 0 && now >= dueAt) {
                process.kill();
                return "after '" + marker.strip() + "'";
            }
            Thread.sleep(2);
        }
        return "never (it ended first)";
    }
}
