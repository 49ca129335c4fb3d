package io.nightshift.schedule;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job behind every schedule: hands the fire to {@link ScheduledFires}, which returns at once (the run goes
 * to the node's pool), so Quartz's threads never hold a run. Created by Spring for each fire (constructor injection).
 */
final class ScheduledFireJob implements Job {

    static final String JOB_NAME_KEY = "job";

    private final ScheduledFires fires;

    ScheduledFireJob(ScheduledFires fires) {
        this.fires = fires;
    }

    @Override
    public void execute(JobExecutionContext context) {
        String jobName = context.getMergedJobDataMap().getString(JOB_NAME_KEY);
        fires.fire(jobName, context.getScheduledFireTime().toInstant());
    }
}
