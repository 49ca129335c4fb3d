package io.nightshift.cli;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code nightshift plan}: the files, rows and partitions of a job spec's input and what a run would cost, printed
 * before anything exists: no run row, no output; exit 0 within the budget, 1 over it, 2 for a bad budget.
 */
class PlanIntegrationTests {

    private static final long ROWS_PER_FILE = 10_000;

    @TempDir
    static Path shared;
    static Path input;
    static Path model;

    private Path home;

    @BeforeAll
    static void createInputsAndModel() throws IOException {
        input = shared.resolve("input");
        ScoringFixtures.data(input, 3, ROWS_PER_FILE, 2_500, 0);
        model = ScoringFixtures.logisticModel(shared.resolve("model"), ScoringFixtures.FEATURES);
    }

    @BeforeEach
    void isolateState(TestInfo test) throws IOException {
        home = Files.createDirectories(shared.resolve(test.getTestMethod().orElseThrow().getName()));
        System.setProperty("nightshift.home", home.resolve("var").toString());
    }

    @AfterEach
    void clearState() {
        System.clearProperty("nightshift.home");
    }

    private Path spec(String budget) throws IOException {
        return Files.writeString(home.resolve("churn.yaml"), """
                name: churn
                model: %s
                input: %s
                output: %s
                id-column: %s
                feature-prefix: f
                """.formatted(model, input, home.resolve("output"), ScoringFixtures.ID) + budget);
    }

    @Test
    void aRunWithinItsBudgetIsPlannedWithoutStartingAnything() throws IOException {
        Path spec = spec("""
                budget: {max-workers: 2, max-dollars: 5, node-type: g5.xlarge, capacity: spot, expected-rows-per-second: 1000}
                """);

        Result plan = nightshift("plan", spec.toString());

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("plan of churn (nothing started, nothing written)").contains("  files       3")
                .contains("  rows        30,000").contains("from budget.expected-rows-per-second")
                .contains("on 2 node(s)").contains("spot        $").contains("on-demand $").contains("aws-gpu.yaml")
                .contains("  budget      within (max-dollars $5.00)");
        assertThat(home.resolve("output").resolve("_manifest.json")).doesNotExist();
        assertThat(nightshift("status").out()).contains("No runs yet");
    }

    @Test
    void aRunOverItsBudgetExitsOneAndSaysWhichCap() throws IOException {
        // 30,000 rows at 1 row/s on one on-demand node: 8.3 hours, $8.38.
        Path spec = spec("budget: {max-dollars: 1, node-type: g5.xlarge, expected-rows-per-second: 1}\n");

        Result plan = nightshift("plan", spec.toString());
        JsonNode json = JsonMapper.builder().build().readTree(nightshift("plan", spec.toString(), "--json").out());

        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
        assertThat(plan.out()).contains("  budget      OVER: max-dollars: $1.00, estimated $8.38");
        assertThat(json.get("rows").asLong()).isEqualTo(30_000);
        assertThat(json.get("withinBudget").asBoolean()).isFalse();
        assertThat(json.get("onDemandDollars").asDouble()).isEqualTo(json.get("dollars").asDouble());
        assertThat(json.get("spotDollars").asDouble()).isLessThan(json.get("onDemandDollars").asDouble());
    }

    @Test
    void theMeasuredThroughputOfTheJobsLastRunIsUsedOnceThereIsOne() throws IOException {
        // overwrite: the run's committed output would otherwise make the next plan refuse, as the next run would be.
        Path spec = spec("overwrite: true\nbudget: {max-dollars: 100, node-type: g4dn.xlarge}\n");
        assertThat(nightshift("plan", spec.toString()).out()).contains("none (no completed run");

        assertThat(nightshift("run", spec.toString()).exitCode()).isZero();
        Result plan = nightshift("plan", spec.toString());

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("rows/s per node, from the last 1 completed run(s) of churn");
    }

    @Test
    void aBadBudgetIsAConfigurationErrorNamingTheFileAndTheKnownTypes() throws IOException {
        Path spec = spec("budget: {max-dollars: 10, node-type: g5.xlargee}\n");

        Result plan = nightshift("plan", spec.toString());

        assertThat(plan.exitCode()).isEqualTo(2);
        assertThat(plan.err()).contains("unknown node type 'g5.xlargee'").contains("aws-gpu.yaml").contains("g5.xlarge");
    }
}
