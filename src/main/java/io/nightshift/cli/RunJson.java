package io.nightshift.cli;

import io.nightshift.job.RunLeases;
import io.nightshift.job.RunOutcome;
import io.nightshift.job.Runs;
import io.nightshift.scoring.RunCommit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code --json} prints on stdout: one JSON document, every field always present (null when it does not apply),
 * times as ISO-8601 with offset, durations in seconds, so scripts can rely on the shape. The shape is documented in
 * docs/JSON.md; a field is never renamed or removed, only added.
 */
public final class RunJson {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private RunJson() {
    }

    /** {@code nightshift status --json}: the home and the listed runs, newest first. */
    static String runs(String home, List<Runs.RunView> runs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("home", home);
        var array = root.putArray("runs");
        runs.forEach(run -> array.add(run(run)));
        return JSON.writeValueAsString(root);
    }

    /** {@code nightshift status RUN_ID --json}. */
    static String describe(Runs.RunView run) {
        return JSON.writeValueAsString(run(run));
    }

    /** {@code nightshift score|run|relaunch --json}: how this execution ended; {@code log} is the run's log file, or null. */
    static String outcome(RunOutcome outcome, java.nio.file.Path log) {
        ObjectNode node = JSON.createObjectNode();
        node.put("runId", outcome.runId());
        node.put("executionId", outcome.executionId());
        node.put("job", outcome.jobName());
        node.put("status", outcome.status());
        node.put("completed", outcome.completed());
        node.put("reason", outcome.failure());
        node.put("configurationError", outcome.configurationError());
        node.put("relaunch", outcome.completed() || outcome.configurationError() ? null : "nightshift relaunch " + outcome.runId());
        node.put("seconds", Display.seconds(outcome.elapsed()));
        RunCommit.Summary summary = outcome.summary();
        ObjectNode rows = node.putObject("rows");
        rows.put("thisExecution", outcome.rowsThisExecution());
        rows.put("read", summary == null ? null : summary.rowsRead());
        rows.put("scored", summary == null ? null : summary.rowsScored());
        rows.put("rejected", summary == null ? null : summary.rowsRejected());
        node.put("rowsPerSecond", Math.round(outcome.rowsPerSecond()));
        putReasons(node, summary);
        ObjectNode phases = node.putObject("phases");
        outcome.phases().forEach((phase, duration) -> phases.put(phase, Display.seconds(duration)));
        if (summary == null) {
            node.putNull("parts");
        } else {
            ObjectNode parts = node.putObject("parts");
            parts.put("scored", summary.parts());
            parts.put("rejects", summary.rejectParts());
            parts.put("orphansRemoved", summary.orphansDeleted());
        }
        node.put("output", Display.location(outcome.output()));
        if (!outcome.details().isEmpty()) {
            // A retraining run: registered, decision, report.
            ObjectNode details = node.putObject("retrain");
            outcome.details().forEach(details::put);
        }
        node.put("outputUri", outcome.output());
        node.put("log", log == null ? null : log.toString());
        return JSON.writeValueAsString(node);
    }

    /** One run as {@code status RUN_ID --json} prints it; the REST API's run bodies start from it. */
    public static ObjectNode run(Runs.RunView run) {
        ObjectNode node = JSON.createObjectNode();
        node.put("runId", run.runId());
        node.put("job", run.jobName());
        node.put("status", run.status());
        node.put("running", run.running());
        node.put("ownerGone", run.ownerGone());
        node.put("relaunchable", run.relaunchable());
        if (run.triggers().isEmpty()) {
            node.putNull("trigger");
        } else {
            node.set("trigger", trigger(run.triggers().getFirst()));
        }
        var triggers = node.putArray("triggers");
        run.triggers().forEach(trigger -> triggers.add(trigger(trigger)));
        node.put("started", Display.isoTime(run.started()));
        node.put("ended", Display.isoTime(run.ended()));
        node.put("reason", run.reason());
        node.put("disposition", run.disposition());
        node.put("stoppedBy", run.stoppedBy());
        ObjectNode cost = node.putObject("cost");
        cost.put("nodeHours", run.cost().nodeHours());
        cost.put("gpuHours", run.cost().gpuHours());
        cost.put("dollars", run.cost().dollars());
        io.nightshift.budget.Budget budget = run.budget();
        ObjectNode caps = node.putObject("budget");
        caps.put("maxDollars", budget.maxDollars());
        caps.put("maxGpuHours", budget.maxGpuHours());
        caps.put("maxWorkers", budget.maxWorkers());
        caps.put("nodeType", budget.nodeType());
        caps.put("capacity", budget.capacity().specName());
        caps.put("pricePerHour", budget.pricePerHour());
        caps.put("pricing", budget.pricingSource());
        ObjectNode rows = node.putObject("rows");
        RunCommit.Summary summary = run.summary();
        rows.put("planned", run.totalRows());
        rows.put("done", run.rowsDone());
        rows.put("committed", run.committed() ? run.rowsDone() : 0);
        rows.put("read", summary == null ? null : summary.rowsRead());
        rows.put("scored", summary == null ? null : summary.rowsScored());
        rows.put("rejected", summary == null ? null : summary.rowsRejected());
        putReasons(node, summary);
        node.put("model", run.model());
        node.put("output", Display.location(run.output()));
        node.put("outputUri", run.output());
        RunLeases.Lease lease = run.owner();
        if (lease == null) {
            node.putNull("owner");
        } else {
            ObjectNode owner = node.putObject("owner");
            owner.put("host", lease.host());
            owner.put("pid", lease.pid());
            owner.put("alive", lease.alive());
            owner.put("released", lease.released());
            owner.put("heartbeat", Display.isoTime(lease.heartbeatAt()));
            owner.put("epoch", lease.epoch());
            owner.put("executionId", lease.jobExecutionId());
        }
        var executions = node.putArray("executions");
        for (Runs.ExecutionView execution : run.executions()) {
            ObjectNode item = executions.addObject();
            item.put("executionId", execution.executionId());
            item.put("status", execution.status());
            item.put("started", Display.isoTime(execution.started()));
            item.put("ended", Display.isoTime(execution.ended()));
            Duration duration = execution.duration();
            item.put("seconds", Display.seconds(duration));
            item.put("rows", execution.rows());
            item.put("reason", execution.reason());
        }
        return node;
    }

    private static ObjectNode trigger(io.nightshift.job.RunTrigger trigger) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", trigger.kind().name().toLowerCase(java.util.Locale.ROOT));
        node.put("by", trigger.by());
        node.put("fireTime", trigger.fireTime() == null ? null : Display.isoTime(trigger.fireTime()));
        node.put("at", Display.isoTime(trigger.at()));
        node.put("detail", trigger.detail());
        return node;
    }

    private static void putReasons(ObjectNode node, RunCommit.Summary summary) {
        if (summary == null) {
            node.putNull("rejectReasons");
            return;
        }
        ObjectNode reasons = node.putObject("rejectReasons");
        for (Map.Entry<String, Long> reason : summary.rejectReasons().entrySet()) {
            reasons.put(reason.getKey(), reason.getValue());
        }
    }
}
