package io.nightshift.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Whether spot pays: a six-hour run of 1,000 partitions on 50 spot nodes losing 5% of its nodes an hour, against the
 * same run uninterrupted and on-demand, priced from config/pricing/aws-gpu.yaml. Simulated time: it runs in
 * milliseconds. The ratios are properties of checkpointing and requeueing, not of this machine's speed.
 */
class SpotEconomicsTests {

    private static final Pricing PRICING = Pricing.read(Path.of("config/pricing/aws-gpu.yaml"));
    /** 1,000 partitions × 18 min of work over 50 nodes: six hours. */
    private static final SpotSimulation INTERRUPTED = new SpotSimulation(1_000, Duration.ofMinutes(18), Duration.ofMinutes(1), 50,
            Duration.ofMinutes(3), 0.05);
    private static final SpotSimulation UNINTERRUPTED = new SpotSimulation(1_000, Duration.ofMinutes(18), Duration.ofMinutes(1), 50,
            Duration.ofMinutes(3), 0);
    private static final int SEEDS = 20;

    private static Budget budget(String nodeType, Budget.Capacity capacity) {
        Pricing.NodeType type = PRICING.type(nodeType, "test");
        return new Budget(50, 0, 0, nodeType, capacity, type.price(capacity), type.gpus(), 0, PRICING.source());
    }

    @Test
    void theUninterruptedRunTakesSixHoursOnFiftyNodes() {
        SpotSimulation.Result result = UNINTERRUPTED.run(budget("g5.xlarge", Budget.Capacity.SPOT), 1);

        assertThat(result.wallTime()).isEqualTo(Duration.ofHours(6).plusMinutes(3));
        assertThat(result.interruptions()).isZero();
        assertThat(result.cost().nodeHours()).isCloseTo(50 * 6.05, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void interruptionsCostAtMostATenthMoreThanAnUninterruptedSpotRun() {
        for (String nodeType : java.util.List.of("g4dn.xlarge", "g5.xlarge")) {
            Budget spot = budget(nodeType, Budget.Capacity.SPOT);
            double uninterrupted = UNINTERRUPTED.run(spot, 0).cost().dollars();
            for (long seed = 1; seed <= SEEDS; seed++) {
                SpotSimulation.Result result = INTERRUPTED.run(spot, seed);

                assertThat(result.interruptions()).as("seed %d", seed).isPositive();
                assertThat(result.cost().dollars() / uninterrupted).as("%s seed %d", nodeType, seed).isLessThanOrEqualTo(1.1);
            }
        }
    }

    @Test
    void anInterruptedSpotRunCostsAtMostFortyPercentOfOnDemand() {
        for (String nodeType : java.util.List.of("g4dn.xlarge", "g5.xlarge")) {
            double onDemand = UNINTERRUPTED.run(budget(nodeType, Budget.Capacity.ON_DEMAND), 0).cost().dollars();
            for (long seed = 1; seed <= SEEDS; seed++) {
                SpotSimulation.Result result = INTERRUPTED.run(budget(nodeType, Budget.Capacity.SPOT), seed);

                assertThat(result.cost().dollars() / onDemand).as("%s seed %d", nodeType, seed).isLessThanOrEqualTo(0.40);
            }
        }
    }

    /** The figures docs/SCALE-OUT.md quotes, printed for the record (not asserted). */
    @Test
    void printTheFigures() {
        for (String nodeType : java.util.List.of("g4dn.xlarge", "g5.xlarge", "g6.xlarge")) {
            Budget spot = budget(nodeType, Budget.Capacity.SPOT);
            double base = UNINTERRUPTED.run(spot, 0).cost().dollars();
            double onDemand = UNINTERRUPTED.run(budget(nodeType, Budget.Capacity.ON_DEMAND), 0).cost().dollars();
            double worst = 0;
            double sum = 0;
            int interruptions = 0;
            Duration longest = Duration.ZERO;
            for (long seed = 1; seed <= SEEDS; seed++) {
                SpotSimulation.Result result = INTERRUPTED.run(spot, seed);
                worst = Math.max(worst, result.cost().dollars());
                sum += result.cost().dollars();
                interruptions += result.interruptions();
                longest = result.wallTime().compareTo(longest) > 0 ? result.wallTime() : longest;
            }
            System.out.printf("%s: on-demand $%.2f, spot uninterrupted $%.2f, interrupted mean $%.2f worst $%.2f (%.3fx, %.1f%% of"
                    + " on-demand), %.1f interruptions/run, longest %s%n", nodeType, onDemand, base, sum / SEEDS, worst, worst / base,
                    100 * worst / onDemand, interruptions / (double) SEEDS, longest);
        }
    }
}
