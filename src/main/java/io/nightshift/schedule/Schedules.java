package io.nightshift.schedule;

import io.nightshift.job.JobSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Quartz's triggers (in the shared JDBC store) equal to the scheduled specs: one job and one cron trigger per
 * job name in group {@value #GROUP}, with the spec's time zone and misfire instruction. A trigger whose definition did
 * not change is left alone, so its next fire time, and the misfires it has pending from while no node ran, survive
 * a restart. Every node reads the same jobs directory (a shared volume, or the same image); a job removed from it is
 * unscheduled for the whole cluster.
 */
final class Schedules {

    static final String GROUP = "nightshift";
    private static final Logger log = LoggerFactory.getLogger(Schedules.class);

    private final Scheduler scheduler;

    Schedules(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Schedules exactly these specs (each with an enabled schedule); unschedules every other job of the group. */
    synchronized void apply(List<JobSpec> scheduled) {
        Map<String, JobSpec> wanted = new HashMap<>();
        scheduled.forEach(spec -> wanted.put(spec.name(), spec));
        try {
            for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (!wanted.containsKey(key.getName())) {
                    scheduler.deleteJob(key);
                    log.info("Job {} unscheduled", key.getName());
                }
            }
            for (JobSpec spec : wanted.values()) {
                schedule(spec);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot update the schedules in Quartz's job store: " + e.getMessage(), e);
        }
    }

    /** One job; a job Quartz refuses is logged and skipped, never the others. */
    private void schedule(JobSpec spec) {
        try {
            Trigger existing = scheduler.getTrigger(TriggerKey.triggerKey(spec.name(), GROUP));
            if (existing instanceof CronTrigger cron && same(cron, spec)) {
                return;
            }
            JobDetail job = JobBuilder.newJob(ScheduledFireJob.class).withIdentity(spec.name(), GROUP)
                    .usingJobData(ScheduledFireJob.JOB_NAME_KEY, spec.name()).withDescription(spec.description()).build();
            scheduler.scheduleJob(job, Set.of(trigger(spec)), true);
            log.info("Job {} {}scheduled: cron '{}' in {}, misfire {}, concurrency {}", spec.name(),
                    existing == null ? "" : "re", spec.schedule().cron(), spec.zone(), spec.schedule().misfire(),
                    spec.schedule().concurrency());
        } catch (SchedulerException | RuntimeException e) {
            log.error("Cannot schedule job {}: {}", spec.name(), e.getMessage());
        }
    }

    private static Trigger trigger(JobSpec spec) {
        CronScheduleBuilder schedule = CronScheduleBuilder.cronSchedule(spec.schedule().cron())
                .inTimeZone(TimeZone.getTimeZone(spec.zone()));
        schedule = spec.schedule().misfire() == JobSpec.Misfire.SKIP ? schedule.withMisfireHandlingInstructionDoNothing()
                : schedule.withMisfireHandlingInstructionFireAndProceed();
        return TriggerBuilder.newTrigger().withIdentity(spec.name(), GROUP).forJob(spec.name(), GROUP).withSchedule(schedule)
                .build();
    }

    private static boolean same(CronTrigger existing, JobSpec spec) {
        int misfire = spec.schedule().misfire() == JobSpec.Misfire.SKIP ? CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING
                : CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW;
        return existing.getCronExpression().equals(spec.schedule().cron())
                && existing.getTimeZone().getID().equals(TimeZone.getTimeZone(spec.zone()).getID())
                && existing.getMisfireInstruction() == misfire;
    }
}
