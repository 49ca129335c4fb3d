package io.nightshift.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BudgetGuardTests {

    /** Four nodes at $1 an hour, capped at $10: a run may last 2.5 hours. */
    private static final Budget TEN_DOLLARS = new Budget(4, 0, 10, "test", Budget.Capacity.SPOT, 1.0, 1, 0, "test");
    private static final Duration CHECK = Duration.ofMinutes(1);

    @Test
    void aRunThatWouldFinishUnderItsCapIsLeftAlone() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
        BudgetGuard guard = new BudgetGuard(TEN_DOLLARS, 4, clock, RunCost.ZERO, CHECK);

        clock.advance(Duration.ofHours(1));

        // Half done after an hour: $8 projected.
        assertThat(guard.check(500, 500)).isEmpty();
        assertThat(guard.spent().dollars()).isEqualTo(4.0);
    }

    @Test
    void aRunProjectedPastItsCapIsStoppedWhileStillUnderIt() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
        BudgetGuard guard = new BudgetGuard(TEN_DOLLARS, 4, clock, RunCost.ZERO, CHECK);

        clock.advance(Duration.ofHours(1));
        Optional<BudgetGuard.Stop> reason = guard.check(300, 700);

        assertThat(guard.spent().dollars()).isLessThan(TEN_DOLLARS.maxDollars());
        assertThat(reason).hasValueSatisfying(stop -> {
            assertThat(stop.reason()).startsWith("budget.max-dollars is $10.00").contains("spent $4.00 so far")
                    .contains("projected total $13.33");
            assertThat(stop.relaunchOption()).isEqualTo("--max-dollars 16");
        });
    }

    @Test
    void theGuardStopsBeforeTheSpendWouldPassTheCapByTheNextCheck() {
        // No rows yet (a slow first chunk): only the spend by the next check can say to stop.
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
        BudgetGuard guard = new BudgetGuard(TEN_DOLLARS, 4, clock, RunCost.ZERO, CHECK);

        clock.advance(Duration.ofMinutes(148));
        assertThat(guard.check(0, 1_000)).isEmpty();
        clock.advance(Duration.ofSeconds(90));

        assertThat(guard.check(0, 1_000)).isPresent();
        assertThat(guard.spent().dollars()).isLessThan(10.0);
    }

    @Test
    void aRelaunchCountsWhatTheRunSpentBeforeAndFinishesUnderARaisedCap() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
        RunCost firstExecution = new RunCost(4, 4, 4);
        Budget raised = new Budget(4, 0, 15, "test", Budget.Capacity.SPOT, 1.0, 1, 0, "test");
        BudgetGuard guard = new BudgetGuard(raised, 4, clock, firstExecution, CHECK);

        clock.advance(Duration.ofMinutes(30));

        // 300 more rows in half an hour ($2): 400 left at that rate is $2.67, $8.67 in all.
        assertThat(guard.spent().dollars()).isEqualTo(6.0);
        assertThat(guard.check(300, 400)).isEmpty();
        assertThat(new BudgetGuard(TEN_DOLLARS, 4, clock, firstExecution, CHECK).check(0, 700)).isEmpty();
    }

    @Test
    void theSuggestedCapIsRoundedUpToTwoSignificantFigures() {
        assertThat(BudgetGuard.roundUp(13.4)).isEqualTo("14");
        assertThat(BudgetGuard.roundUp(0.123)).isEqualTo("0.13");
        assertThat(BudgetGuard.roundUp(1500.1)).isEqualTo("1600");
        assertThat(BudgetGuard.roundUp(16.0)).isEqualTo("16");
    }

    @Test
    void aGpuHourCapIsCheckedLikeADollarCap() {
        Budget gpuHours = new Budget(2, 3, 0, "test", Budget.Capacity.ON_DEMAND, 1.0, 1, 0, "test");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
        BudgetGuard guard = new BudgetGuard(gpuHours, 2, clock, RunCost.ZERO, CHECK);

        clock.advance(Duration.ofHours(1));

        assertThat(guard.check(500, 500)).hasValueSatisfying(stop -> assertThat(stop.reason()).contains("budget.max-gpu-hours is 3.00 GPU-h")
                .contains("projected total 4.00 GPU-h"));
    }
}
