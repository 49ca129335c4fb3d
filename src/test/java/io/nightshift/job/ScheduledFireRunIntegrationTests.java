package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftApplication;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.testing.ScoringFixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A scheduled fire's run, in one application on an H2 database of its own: the fire is its run's identity, so
 * launching the same fire again (a second node, a recovered Quartz job), one after the other or at the same instant,
 * is refused and never scores twice; and the run records its trigger.
 */
class ScheduledFireRunIntegrationTests {

    @TempDir
    static Path workspace;
    static ConfigurableApplicationContext context;
    static Runs runs;
    static JdbcTemplate jdbc;
    static Path input;
    static Path model;

    @BeforeAll
    static void startApplication() throws Exception {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 1, 3_000, 1_000, 1);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run(
                "--spring.datasource.url=jdbc:h2:file:" + workspace.resolve("db/repository") + ";FILE_LOCK=FS",
                "--nightshift.home=" + workspace.resolve("home"));
        runs = context.getBean(Runs.class);
        jdbc = context.getBean(JdbcTemplate.class);
    }

    @AfterAll
    static void closeApplication() {
        if (context != null) {
            context.close();
        }
    }

    private static ScoringSettings settings(String output) {
        return new ScoringSettings(model.toString(), input.toString(), workspace.resolve(output).toString(), null,
                ScoringFixtures.ID, List.of(), "f", List.of(), 1_000, 1_000, 1, 0.01, false, "cpu");
    }

    private static RunTrigger fire(Instant fireTime) {
        return RunTrigger.schedule(fireTime, ZoneId.of("Europe/Berlin"), "node-a pid 1");
    }

    private static long runsOf(Instant fireTime) {
        return jdbc.queryForObject("SELECT COUNT(DISTINCT e.JOB_INSTANCE_ID) FROM BATCH_JOB_EXECUTION e JOIN"
                + " BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE p.PARAMETER_NAME = 'fire.time'"
                + " AND p.PARAMETER_VALUE = ?", Long.class, fireTime.toString());
    }

    @Test
    void aFireLaunchedAgainAfterItsRunCompletedIsRefused() {
        // given
        Instant fireTime = Instant.parse("2026-12-02T01:00:00Z");
        RunOutcome first = runs.score("nightly", settings("out-sequential"), fire(fireTime));

        // when / then
        assertThat(first.completed()).isTrue();
        assertThatThrownBy(() -> runs.score("nightly", settings("out-sequential"), fire(fireTime)))
                .isInstanceOf(DuplicateFireException.class)
                .hasMessage("Fire 2026-12-02T01:00:00Z of job nightly already has run " + first.runId() + "; not launched again");
        assertThat(runsOf(fireTime)).isEqualTo(1);
    }

    @Test
    void aFireLaunchedTwiceAtOnceRunsOnce() throws Exception {
        // given
        Instant fireTime = Instant.parse("2026-12-02T01:05:00Z");
        Callable<Object> launch = () -> {
            try {
                return runs.score("nightly", settings("out-concurrent"), fire(fireTime));
            } catch (DuplicateFireException e) {
                return e;
            }
        };
        ExecutorService executor = Executors.newFixedThreadPool(2);
        List<Object> results = new ArrayList<>();
        try {
            List<Future<Object>> launched = List.of(executor.submit(launch), executor.submit(launch));
            for (Future<Object> future : launched) {
                results.add(future.get());
            }
        } finally {
            executor.shutdownNow();
        }

        // then
        assertThat(results).filteredOn(RunOutcome.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(DuplicateFireException.class::isInstance).hasSize(1);
        assertThat(runsOf(fireTime)).isEqualTo(1);
    }

    @Test
    void aScheduledRunRecordsItsFireAndAManualOneItsUser() {
        // given
        Instant fireTime = Instant.parse("2026-12-02T01:10:00Z");

        // when
        RunOutcome scheduled = runs.score("nightly", settings("out-trigger-scheduled"), fire(fireTime));
        RunOutcome manual = runs.score("nightly", settings("out-trigger-manual"));

        // then
        RunTrigger origin = runs.describe(scheduled.runId()).triggers().getFirst();
        assertThat(origin.kind()).isEqualTo(RunTrigger.Kind.SCHEDULE);
        assertThat(origin.fireTime()).isEqualTo(fireTime);
        assertThat(origin.by()).isEqualTo("node-a pid 1");
        assertThat(origin.detail()).contains("2026-12-02T02:10+01:00[Europe/Berlin]");
        RunTrigger byHand = runs.describe(manual.runId()).triggers().getFirst();
        assertThat(byHand.kind()).isEqualTo(RunTrigger.Kind.MANUAL);
        assertThat(byHand.by()).isEqualTo(System.getProperty("user.name"));
    }
}
