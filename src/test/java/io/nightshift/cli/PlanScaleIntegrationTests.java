package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.job.Runs;
import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlanner;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Planning at scale, on paper: 10,000 real small Parquet files planned by the real planner. The plan a run keeps (in
 * its execution context: the manager's state) grows with files and partitions, not with rows. Sizes and counts are
 * asserted; the plan time is printed for docs/SCALE-OUT.md, never asserted.
 */
class PlanScaleIntegrationTests {

    @TempDir
    static Path shared;
    static Path model;
    static ConfigurableApplicationContext context;

    @BeforeAll
    static void start() throws IOException {
        model = ScoringFixtures.logisticModel(shared.resolve("model"), ScoringFixtures.FEATURES);
        System.setProperty("nightshift.home", shared.resolve("var").toString());
        context = ApplicationContexts.start(List.of());
    }

    @AfterAll
    static void stop() {
        context.close();
        System.clearProperty("nightshift.home");
    }

    private static ScoringPlan plan(String name, int files, long rowsPerFile) throws IOException {
        Path input = shared.resolve(name);
        long generating = System.nanoTime();
        ScoringFixtures.data(input, files, rowsPerFile, (int) Math.min(rowsPerFile, 10_000), 0);
        long started = System.nanoTime();
        ScoringSettings settings = new ScoringSettings(model.toString(), input.toString(), shared.resolve(name + "-out").toString(), null,
                ScoringFixtures.ID, List.of(), "f", List.of(), ScoringSettings.DEFAULT_BATCH_SIZE, ScoringSettings.DEFAULT_COMMIT_INTERVAL, 2,
                ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, false, "cpu");
        ScoringPlan plan = context.getBean(ScoringPlanner.class).plan(Runs.newRunKey(), settings);
        long planned = System.nanoTime();
        System.out.printf("%s: %,d files x %,d rows: generated in %d ms, planned in %d ms, %,d partitions, plan %,d bytes%n", name,
                files, rowsPerFile, (started - generating) / 1_000_000, (planned - started) / 1_000_000, plan.partitions().size(),
                PlanCodec.toJson(plan).getBytes(StandardCharsets.UTF_8).length);
        return plan;
    }

    @Test
    void tenThousandFilesArePlannedAsTenThousandPartitionsWithAPlanOfAFewMegabytes() throws IOException {
        ScoringPlan plan = plan("ten-thousand", 10_000, 20);

        int bytes = PlanCodec.toJson(plan).getBytes(StandardCharsets.UTF_8).length;
        assertThat(plan.files()).hasSize(10_000);
        assertThat(plan.totalRows()).isEqualTo(200_000);
        assertThat(plan.partitions()).hasSize(10_000);
        System.out.printf("per file and partition: %d bytes of plan%n", bytes / 10_000);
        assertThat(bytes).isLessThan(10 * 1024 * 1024);
    }

    @Test
    void thePlanGrowsWithFilesNotWithRows() throws IOException {
        ScoringPlan few = plan("few-rows", 200, 20);
        ScoringPlan many = plan("many-rows", 200, 20_000);

        int fewBytes = PlanCodec.toJson(few).getBytes(StandardCharsets.UTF_8).length;
        int manyBytes = PlanCodec.toJson(many).getBytes(StandardCharsets.UTF_8).length;
        assertThat(many.totalRows()).isEqualTo(1_000 * few.totalRows());
        // A thousand times the rows: a few more row groups listed per file, not a thousand times the plan.
        assertThat((double) manyBytes / fewBytes).isLessThan(1.5);
    }
}
