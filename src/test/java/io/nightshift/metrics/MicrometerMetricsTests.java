package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the Prometheus scrape of {@code nightshift serve} shows for each event the features report. */
class MicrometerMetricsTests {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerMetrics metrics = new MicrometerMetrics(registry);

    @Test
    void chunksCountRowsByTheJobOfTheirRunAndTheModel() {
        // given
        metrics.runStarted("churn-nightly", 7, () -> 0);

        // when
        metrics.chunkCommitted(7, "churn", 90, 10, Duration.ofMillis(40));
        metrics.chunkCommitted(7, "churn", 100, 0, Duration.ofMillis(60));

        // then
        String scrape = registry.scrape();
        assertThat(scrape).contains("nightshift_rows_read_total{job=\"churn-nightly\",model=\"churn\"} 200.0")
                .contains("nightshift_rows_scored_total{job=\"churn-nightly\",model=\"churn\"} 190.0")
                .contains("nightshift_rows_rejected_total{job=\"churn-nightly\",model=\"churn\"} 10.0")
                .contains("nightshift_checkpoint_commit_seconds_count 2");
    }

    @Test
    void aRunningRunShowsItsRateUntilItEnds() {
        // given
        metrics.runStarted("churn-nightly", 7, () -> 1500);
        assertThat(registry.scrape()).contains("nightshift_run_rows_per_second{job=\"churn-nightly\"} 1500.0")
                .contains("nightshift_runs_active{job=\"churn-nightly\"} 1.0");

        // when
        metrics.runEnded("churn-nightly", 7, "FAILED", Duration.ofSeconds(3));

        // then
        assertThat(registry.scrape()).contains("nightshift_run_rows_per_second{job=\"churn-nightly\"} 0.0")
                .contains("nightshift_runs_active{job=\"churn-nightly\"} 0.0")
                .contains("nightshift_run_duration_seconds_count{job=\"churn-nightly\",outcome=\"FAILED\"} 1")
                .contains("nightshift_run_last_success_time{job=\"churn-nightly\"} 0.0");
    }

    @Test
    void aCompletedRunSetsTheJobsLastSuccessTime() {
        // given
        long before = System.currentTimeMillis() / 1000;
        metrics.runStarted("churn-nightly", 7, () -> 0);

        // when
        metrics.runEnded("churn-nightly", 7, "COMPLETED", Duration.ofSeconds(3));

        // then
        double lastSuccess = registry.get("nightshift.run.last.success.time").tag("job", "churn-nightly").gauge().value();
        assertThat(lastSuccess).isGreaterThanOrEqualTo(before);
    }

    @Test
    void firesMisfiresAndSkipsAreCountedApartByJob() {
        // when
        metrics.fire("churn-nightly", NightshiftMetrics.FireKind.FIRED);
        metrics.fire("churn-nightly", NightshiftMetrics.FireKind.FIRED);
        metrics.fire("churn-nightly", NightshiftMetrics.FireKind.MISFIRED);
        metrics.fire("churn-nightly", NightshiftMetrics.FireKind.SKIPPED);

        // then
        assertThat(registry.scrape()).contains("nightshift_schedule_fires_total{job=\"churn-nightly\"} 2.0")
                .contains("nightshift_schedule_misfires_total{job=\"churn-nightly\"} 1.0")
                .contains("nightshift_schedule_skips_total{job=\"churn-nightly\"} 1.0");
    }

    @Test
    void takeoversStartAtZeroSoThatTheirRateIsNeverAbsent() {
        assertThat(registry.scrape()).contains("nightshift_lease_takeovers_total 0.0");

        metrics.leaseTakenOver();

        assertThat(registry.scrape()).contains("nightshift_lease_takeovers_total 1.0");
    }

    @Test
    void gateDecisionsAndModelLoadsAreTaggedWithTheModel() {
        // when
        metrics.gateDecision("churn", "REJECTED");
        metrics.modelLoaded("churn", Duration.ofMillis(250));

        // then
        assertThat(registry.scrape()).contains("nightshift_gate_decisions_total{decision=\"REJECTED\",model=\"churn\"} 1.0")
                .contains("nightshift_model_load_seconds_count{model=\"churn\"} 1");
    }

    @Test
    void runsLeftForAnOperatorAndReadinessAreReadAtEveryScrape() {
        // given
        AtomicInteger left = new AtomicInteger(1);
        AtomicInteger ready = new AtomicInteger(1);
        metrics.runsLeftForOperator(left::get);
        metrics.readiness(ready::get);

        // when
        left.set(2);
        ready.set(0);

        // then
        assertThat(registry.scrape()).contains("nightshift_runs_left_for_operator 2.0").contains("nightshift_ready 0.0");
    }

    @Test
    void theRunPoolShowsItsThreadsAndQueue() {
        // given
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // when
            metrics.executor("runs", pool);

            // then
            assertThat(registry.scrape()).contains("executor_pool_max_threads{name=\"runs\"} 2.0")
                    .contains("executor_queued_tasks{name=\"runs\"} 0.0");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noRunIdBecomesATag() {
        // when
        metrics.runStarted("churn-nightly", 4242, () -> 10);
        metrics.chunkCommitted(4242, "churn", 1, 0, Duration.ofMillis(1));

        // then
        assertThat(registry.scrape()).doesNotContain("4242");
    }
}
