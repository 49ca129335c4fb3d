package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecParser;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

/** Job specs as Quartz triggers: cron, zone and misfire instruction, kept when unchanged, removed with the spec. */
class SchedulesTests {

    Scheduler scheduler;
    Schedules schedules;

    @BeforeEach
    void createScheduler() throws Exception {
        // Quartz's in-memory store, never started: the triggers are what is checked, not their fires.
        Properties properties = new Properties();
        properties.put("org.quartz.scheduler.instanceName", "schedules-tests-" + System.nanoTime());
        properties.put("org.quartz.threadPool.threadCount", "1");
        properties.put("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(properties).getScheduler();
        schedules = new Schedules(scheduler);
    }

    @AfterEach
    void shutDown() throws Exception {
        scheduler.shutdown();
    }

    private static JobSpec spec(String name, String cron, String misfire) {
        return JobSpecParser.parse("name: " + name + "\nmodel: s3://m\ninput: s3://i\noutput: s3://o\nschedule:\n  cron: " + cron
                + "\n  timezone: Europe/Berlin\n  misfire: " + misfire + "\n", "jobs/" + name + ".yaml");
    }

    private CronTrigger trigger(String name) throws Exception {
        return (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey(name, Schedules.GROUP));
    }

    @Test
    void aSpecBecomesACronTriggerWithItsZoneAndMisfireInstruction() throws Exception {
        // when
        schedules.apply(List.of(spec("nightly", "0 0 2 * * ?", "run-once-now"), spec("hourly", "0 0 * * * ?", "skip")));

        // then
        assertThat(trigger("nightly").getCronExpression()).isEqualTo("0 0 2 * * ?");
        assertThat(trigger("nightly").getTimeZone().getID()).isEqualTo("Europe/Berlin");
        assertThat(trigger("nightly").getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
        assertThat(trigger("hourly").getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
        assertThat(scheduler.getJobDetail(JobKey.jobKey("nightly", Schedules.GROUP)).getJobDataMap()
                .getString(ScheduledFireJob.JOB_NAME_KEY)).isEqualTo("nightly");
    }

    @Test
    void anUnchangedSpecKeepsItsTriggerAndAChangedOneIsReplaced() throws Exception {
        // given
        schedules.apply(List.of(spec("nightly", "0 0 2 * * ?", "run-once-now")));
        CronTrigger first = trigger("nightly");

        // when
        schedules.apply(List.of(spec("nightly", "0 0 2 * * ?", "run-once-now")));
        CronTrigger kept = trigger("nightly");
        schedules.apply(List.of(spec("nightly", "0 30 2 * * ?", "run-once-now")));

        // then: the same start time (pending misfires survive a restart), then the new cron
        assertThat(kept.getStartTime()).isEqualTo(first.getStartTime());
        assertThat(trigger("nightly").getCronExpression()).isEqualTo("0 30 2 * * ?");
    }

    @Test
    void aJobNoLongerScheduledIsRemoved() throws Exception {
        // given
        schedules.apply(List.of(spec("nightly", "0 0 2 * * ?", "skip"), spec("hourly", "0 0 * * * ?", "skip")));

        // when
        schedules.apply(List.of(spec("hourly", "0 0 * * * ?", "skip")));

        // then
        assertThat(scheduler.checkExists(JobKey.jobKey("nightly", Schedules.GROUP))).isFalse();
        assertThat(scheduler.checkExists(JobKey.jobKey("hourly", Schedules.GROUP))).isTrue();
    }
}
