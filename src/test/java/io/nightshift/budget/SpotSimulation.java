package io.nightshift.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A scoring run on spot nodes in simulated time: partitions wait in a queue (as partition messages do), each node takes
 * the next one and works through it chunk by chunk, checkpointing after each; an interrupted node loses the work since
 * its last checkpoint, its partition goes back to the queue to be resumed from that checkpoint by the next free node,
 * and a replacement node boots (billed from launch). A node with nothing left to take is released. Interruptions
 * arrive per node as a Poisson process. Every node-second from launch to release is billed through {@link RunCost}.
 *
 * <p>Conservative on purpose: an interruption is treated as a kill (the two-minute notice, which lets the real run
 * finish its chunk and lose nothing, is ignored), and a replacement boots for the whole boot time again.
 */
final class SpotSimulation {

    /** What one simulated run used. */
    record Result(RunCost cost, Duration wallTime, int interruptions, long partitionsResumed) {
    }

    private record Partition(int index, Duration remaining) {
    }

    private record Event(Instant at, int node, long generation) {
    }

    private final int partitions;
    private final Duration workPerPartition;
    private final Duration checkpointEvery;
    private final int nodes;
    private final Duration boot;
    private final double interruptionsPerNodeHour;

    SpotSimulation(int partitions, Duration workPerPartition, Duration checkpointEvery, int nodes, Duration boot,
            double interruptionsPerNodeHour) {
        this.partitions = partitions;
        this.workPerPartition = workPerPartition;
        this.checkpointEvery = checkpointEvery;
        this.nodes = nodes;
        this.boot = boot;
        this.interruptionsPerNodeHour = interruptionsPerNodeHour;
    }

    Result run(Budget budget, long seed) {
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T01:00:00Z"));
        Instant start = clock.instant();
        Deque<Partition> queue = new ArrayDeque<>();
        for (int i = 0; i < partitions; i++) {
            queue.add(new Partition(i, workPerPartition));
        }
        Partition[] working = new Partition[nodes];
        Instant[] launched = new Instant[nodes];
        Instant[] workStarted = new Instant[nodes];
        Instant[] interruption = new Instant[nodes];
        long[] generation = new long[nodes];
        PriorityQueue<Event> events = new PriorityQueue<>(java.util.Comparator.comparing(Event::at));
        RunCost cost = RunCost.ZERO;
        int interruptions = 0;
        long resumed = 0;
        for (int node = 0; node < nodes; node++) {
            launched[node] = start;
            interruption[node] = start.plus(nextInterruption(random));
            events.add(new Event(earlier(start.plus(boot), interruption[node]), node, generation[node]));
        }
        while (!events.isEmpty()) {
            Event event = events.poll();
            if (event.generation() != generation[event.node()]) {
                continue;
            }
            int node = event.node();
            if (!event.at().isBefore(interruption[node])) {
                // The node is gone at its interruption time: bill it until then, requeue its partition at its checkpoint.
                clock.advance(Duration.between(clock.instant(), max(clock.instant(), event.at())));
                cost = cost.plus(RunCost.of(Duration.between(launched[node], interruption[node]), 1, budget));
                interruptions++;
                if (working[node] != null) {
                    Duration done = Duration.between(workStarted[node], interruption[node]);
                    Duration kept = checkpointEvery.multipliedBy(done.toMillis() / checkpointEvery.toMillis());
                    queue.addFirst(new Partition(working[node].index(), working[node].remaining().minus(kept)));
                    resumed++;
                    working[node] = null;
                }
                Instant replacement = interruption[node];
                launched[node] = replacement;
                interruption[node] = replacement.plus(nextInterruption(random));
                events.add(new Event(earlier(replacement.plus(boot), interruption[node]), node, ++generation[node]));
                continue;
            }
            clock.advance(Duration.between(clock.instant(), max(clock.instant(), event.at())));
            working[node] = null;
            Partition next = queue.pollFirst();
            if (next == null) {
                cost = cost.plus(RunCost.of(Duration.between(launched[node], event.at()), 1, budget));
                generation[node]++;
                continue;
            }
            working[node] = next;
            workStarted[node] = event.at();
            Instant finish = event.at().plus(next.remaining());
            events.add(new Event(earlier(finish, interruption[node]), node, ++generation[node]));
        }
        return new Result(cost, Duration.between(start, clock.instant()), interruptions, resumed);
    }

    /** Exponential time to a node's next interruption. */
    private Duration nextInterruption(Random random) {
        if (interruptionsPerNodeHour <= 0) {
            return Duration.ofDays(3650);
        }
        double hours = -Math.log(1 - random.nextDouble()) / interruptionsPerNodeHour;
        return Duration.ofMillis((long) (hours * 3_600_000));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
