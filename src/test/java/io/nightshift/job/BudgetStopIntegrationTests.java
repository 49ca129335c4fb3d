package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftApplication;
import io.nightshift.budget.Budget;
import io.nightshift.budget.BudgetClock;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The budget guard on a real run, in one application on an H2 database of its own, with a fake clock for the budget
 * only (an hour passes every real second) and a fake price ($1 a node-hour): a run projected past its cap is stopped
 * while still under it (STOPPED, reason "budget", relaunchable), a relaunch under a cap below what it spent is refused,
 * and a relaunch with a raised cap finishes with exactly the rows of an uninterrupted run, its cost in status and in
 * the manifest.
 */
class BudgetStopIntegrationTests {

    /** An hour of budget time per real second, from when the application starts. */
    @Configuration(proxyBeanMethods = false)
    static class FastBudgetClock {
        @Bean
        @Primary
        BudgetClock fastBudgetClock() {
            return new BudgetClock(new HourPerSecond(Instant.parse("2026-12-03T01:00:00Z")));
        }
    }

    private static final class HourPerSecond extends Clock {
        private final Instant base;
        private final long startNanos = System.nanoTime();

        HourPerSecond(Instant base) {
            this.base = base;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return base.plusNanos((System.nanoTime() - startNanos) * 3600);
        }
    }

    @TempDir
    static Path workspace;
    static ConfigurableApplicationContext context;
    static Runs runs;
    static Path input;
    static Path model;

    @BeforeAll
    static void startApplication() throws Exception {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 2, 150_000, 10_000, 3);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        context = new SpringApplicationBuilder(NightshiftApplication.class, FastBudgetClock.class).web(WebApplicationType.NONE).run(
                "--spring.datasource.url=jdbc:h2:file:" + workspace.resolve("db/repository") + ";FILE_LOCK=FS",
                "--nightshift.home=" + workspace.resolve("home"), "--nightshift.budget.check-interval=20ms");
        runs = context.getBean(Runs.class);
    }

    @AfterAll
    static void closeApplication() {
        if (context != null) {
            context.close();
        }
    }

    /** Small batches and checkpoints, one thread: the run lasts under a second or so of real time, as many budget hours. */
    private static ScoringSettings settings(String output, Budget budget) {
        return new ScoringSettings(model.toString(), input.toString(), workspace.resolve(output).toString(), null,
                ScoringFixtures.ID, List.of(), "f", List.of(), 256, 5_120, 1, 0.01, false, "cpu", null, budget);
    }

    /** $1 a node-hour, capped at {@code maxDollars}: at an hour a second, the cap is that many seconds of scoring. */
    private static Budget dollars(double maxDollars) {
        return new Budget(0, 0, maxDollars, null, Budget.Capacity.ON_DEMAND, 1.0, 0, 0, "budget.price-per-hour in the test");
    }

    @Test
    void aRunProjectedPastItsCapStopsUnderItAndFinishesExactlyAfterARaisedRelaunch() throws Exception {
        // given: the rows of an uninterrupted run, and the cost it took (about the real seconds it ran)
        RunOutcome reference = runs.score("budgeted", settings("out-reference", Budget.NONE));
        assertThat(reference.completed()).isTrue();
        ScoringFixtures.CommittedOutput expected = ScoringFixtures.read(workspace.resolve("out-reference"), "score");

        // The cap: 40 % of what an uninterrupted run cost at $1 a node-hour, so the test does not depend on how fast
        // this machine scores (checked every 20 ms). The cheaper of two runs: the first may be slowed by JIT warm-up.
        RunOutcome warm = runs.score("warm", settings("out-warm", Budget.NONE));
        double needed = Math.min(runs.describe(reference.runId()).cost().nodeHours(), runs.describe(warm.runId()).cost().nodeHours());
        double cap = Math.max(0.01, Math.round(needed * 0.4 * 100) / 100.0);
        System.out.printf("budget stop: the uninterrupted run took %.2f node-hours (budget time); cap $%.2f%n", needed, cap);

        // when: the same run capped at a fraction of what it needs
        RunOutcome stopped = runs.score("budgeted", settings("out-budget", dollars(cap)));

        // then: stopped by its budget, before the cap, having scored part of its rows
        assertThat(stopped.status()).as(stopped.failure()).isEqualTo("STOPPED");
        assertThat(stopped.failure()).startsWith(String.format("stopped by its budget (budget.max-dollars is $%.2f, spent $", cap))
                .contains("relaunch with a raised cap: ./nightshift relaunch " + stopped.runId() + " --max-dollars ");
        Runs.RunView afterStop = runs.describe(stopped.runId());
        assertThat(afterStop.stoppedByBudget()).isTrue();
        assertThat(afterStop.relaunchable()).isTrue();
        assertThat(afterStop.cost().dollars()).as("what the stopped execution cost").isGreaterThan(0).isLessThan(cap);
        assertThat(afterStop.rowsDone()).isGreaterThan(0).isLessThan(afterStop.totalRows());
        assertThat(workspace.resolve("out-budget/_manifest.json")).doesNotExist();

        // a cap below what it spent would stop it at once: refused before anything changes
        assertThatThrownBy(() -> runs.relaunch(stopped.runId(), RunTrigger.relaunch("operator"), new Runs.BudgetRaise(0.001, 0)))
                .isInstanceOf(RunRequestException.class).hasMessageContaining("--max-dollars 0.001 would stop it at once");

        // when: relaunched with a raised cap
        RunOutcome finished = runs.relaunch(stopped.runId(), RunTrigger.relaunch("operator"), new Runs.BudgetRaise(10_000, 0));

        // then: the output holds exactly the uninterrupted run's rows; the cost covers both executions
        assertThat(finished.completed()).as(finished.failure()).isTrue();
        ScoringFixtures.CommittedOutput actual = RunOutputs.assertSameRows(workspace.resolve("out-budget"), expected, true);
        Runs.RunView done = runs.describe(stopped.runId());
        assertThat(done.budget().maxDollars()).isEqualTo(10_000);
        assertThat(done.triggers().getLast().detail()).isEqualTo("budget raised to max-dollars $10000.00");
        assertThat(done.cost().dollars()).isGreaterThan(afterStop.cost().dollars());
        assertThat(done.cost().nodeHours()).isEqualTo(done.cost().dollars());
        assertThat(actual.manifest().get("cost").get("dollars").asDouble()).isGreaterThan(afterStop.cost().dollars())
                .isLessThanOrEqualTo(done.cost().dollars());
        assertThat(actual.manifest().get("cost").get("pricing").asString()).isEqualTo("budget.price-per-hour in the test");
    }

    @Test
    void aRunWithoutACapIsNeverStoppedAndStillRecordsItsNodeHours() throws Exception {
        // when
        RunOutcome outcome = runs.score("unpriced", settings("out-unpriced", Budget.NONE));

        // then
        assertThat(outcome.completed()).isTrue();
        Runs.RunView view = runs.describe(outcome.runId());
        assertThat(view.cost().nodeHours()).isGreaterThan(0);
        assertThat(view.cost().dollars()).isZero();
        assertThat(view.stoppedBy()).isNull();
    }
}
