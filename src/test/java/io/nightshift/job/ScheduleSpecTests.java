package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The {@code schedule} block of a job spec: its settings and defaults, and errors that name the file and the field. */
class ScheduleSpecTests {

    private static final String SOURCE = "jobs/churn-nightly.yaml";

    private static String spec(String schedule) {
        return "name: churn\nmodel: s3://m\ninput: s3://i\noutput: s3://o/{fire_date}\nschedule:\n" + schedule;
    }

    @Test
    void everyScheduleSettingIsRead() {
        // when
        JobSpec spec = JobSpecParser.parse(spec("""
                  cron: 0 */5 * * * ?
                  timezone: Europe/Berlin
                  misfire: skip
                  concurrency: allow
                  max-attempts: 4
                  enabled: false
                """), SOURCE);

        // then
        assertThat(spec.schedule()).isEqualTo(new JobSpec.Schedule("0 */5 * * * ?", "Europe/Berlin", JobSpec.Misfire.SKIP,
                JobSpec.Concurrency.ALLOW, 4, false));
    }

    @Test
    void theDefaultsAreRunOnceNowForbidAndEnabled() {
        // when
        JobSpec spec = JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n"), SOURCE);

        // then
        assertThat(spec.schedule()).isEqualTo(new JobSpec.Schedule("0 0 2 * * ?", "UTC", JobSpec.Misfire.RUN_ONCE_NOW,
                JobSpec.Concurrency.FORBID, 1, true));
    }

    @Test
    void aBadCronNamesTheFileAndTheField() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 25 * * ?\n"), SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Cannot read job spec " + SOURCE + ": 'schedule.cron' is not a Quartz cron expression"
                        + " ('0 0 25 * * ?'");
    }

    @Test
    void aFiveFieldUnixCronIsRefusedWithTheQuartzShape() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 2 * * *\n"), SOURCE))
                .hasMessageContaining("'schedule.cron'").hasMessageContaining("second minute hour day-of-month month");
    }

    @Test
    void aBadTimezoneNamesTheFileAndTheField() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n  timezone: Europe/Berlim\n"), SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessage("Cannot read job spec " + SOURCE + ": 'schedule.timezone' is not a time zone ('Europe/Berlim'); use"
                        + " a region such as Europe/Berlin, or UTC");
    }

    @Test
    void anUnknownScheduleFieldGetsTheOneMeant() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n  misfires: skip\n"), SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE).hasMessageContaining("unknown setting 'schedule.misfires'; did you mean 'schedule.misfire'?");
    }

    @Test
    void anUnknownMisfirePolicyListsTheAllowedOnes() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n  misfire: run-once\n"), SOURCE))
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'schedule.misfire' must be one of [run-once-now, skip], was 'run-once'");
    }

    @Test
    void anUnknownConcurrencyGetsTheOneMeant() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n  concurrency: forbidd\n"), SOURCE))
                .hasMessageContaining("'schedule.concurrency' must be one of [forbid, allow], was 'forbidd'; did you mean 'forbid'?");
    }

    @Test
    void anUnknownPlaceholderNamesTheFileAndTheField() {
        assertThatThrownBy(() -> JobSpecParser.parse("name: churn\nmodel: s3://m\ninput: s3://i/{fire_day}\noutput: s3://o\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Cannot read job spec " + SOURCE + ": 'input': unknown placeholder {fire_day}");
    }

    @Test
    void theModelCannotNameTheFireTime() {
        assertThatThrownBy(() -> JobSpecParser.parse("name: churn\nmodel: s3://m/{fire_date}\ninput: s3://i\noutput: s3://o\n", SOURCE))
                .hasMessageContaining(SOURCE).hasMessageContaining("'model' cannot name the fire time");
    }

    @Test
    void zeroAttemptsIsRefused() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n  max-attempts: 0\n"), SOURCE))
                .hasMessageContaining(SOURCE).hasMessageContaining("'schedule.max-attempts' must be at least 1, was 0");
    }

    @Test
    void enabledMustBeABoolean() {
        assertThatThrownBy(() -> JobSpecParser.parse(spec("  cron: 0 0 2 * * ?\n  enabled: sometimes\n"), SOURCE))
                .hasMessageContaining(SOURCE).hasMessageContaining("'schedule.enabled' must be true or false, was 'sometimes'");
    }
}
