package io.nightshift.budget;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * The clock a run's budget is measured on: the system's. Its own bean, so that a test can run a job through hours of
 * spend in seconds without speeding up the clocks that leases and the gate read.
 */
public record BudgetClock(Clock clock) {

    public BudgetClock {
        requireNonNull(clock, "clock is null");
    }

    public static BudgetClock system() {
        return new BudgetClock(Clock.systemUTC());
    }
}
