package io.nightshift.schedule;

import io.nightshift.metrics.NightshiftMetrics;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;

/**
 * Tells the metrics of every misfire Quartz handles: a fire found later than its misfire threshold (the cluster was down
 * or every node busy), whatever the job's {@code misfire} policy then does with it. Triggers are named after their job
 * ({@link Schedules}).
 */
final class MisfireCounter extends TriggerListenerSupport {

    private final NightshiftMetrics metrics;

    MisfireCounter(NightshiftMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public String getName() {
        return "nightshift-misfires";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        metrics.fire(trigger.getKey().getName(), NightshiftMetrics.FireKind.MISFIRED);
    }
}
