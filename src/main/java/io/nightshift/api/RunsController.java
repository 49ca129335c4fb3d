package io.nightshift.api;

import io.nightshift.cli.RunJson;
import io.nightshift.job.RunRequestException;
import io.nightshift.job.Runs;
import io.nightshift.schedule.ManualRuns;
import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs: the list and one run in the shape of {@code nightshift status --json} (docs/JSON.md) plus {@code progress}
 * (rows done/total, rows/s, ETA), a run's partitions; stop, relaunch (on this node's pool, 202 at once) and abandon.
 */
@RestController
@Profile("serve")
@RequestMapping("/api/runs")
final class RunsController {

    private final Runs runs;
    private final ManualRuns manualRuns;

    RunsController(Runs runs, ManualRuns manualRuns) {
        this.runs = runs;
        this.manualRuns = manualRuns;
    }

    @GetMapping
    @Operation(summary = "Recent runs, newest first: status, trigger, progress (rows, rows/s, ETA), model, rejects")
    List<ObjectNode> list(@RequestParam(defaultValue = "20") int limit, @RequestParam(required = false) String status) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (every run) or more, not " + limit);
        }
        List<Runs.RunView> recent = runs.recent(status == null ? limit : 0);
        return recent.stream().filter(run -> status == null || run.status().equalsIgnoreCase(status.strip()))
                .limit(status == null || limit == 0 ? Long.MAX_VALUE : limit).map(RunsController::body).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One run: executions, partitions with their checkpoints, the lease owner")
    ObjectNode describe(@PathVariable long id) {
        ObjectNode body = body(runs.describe(known(id)));
        ArrayNode partitions = body.putArray("partitions");
        for (Runs.PartitionView partition : runs.partitions(id)) {
            ObjectNode item = partitions.addObject();
            item.put("name", partition.name());
            item.put("status", partition.status());
            item.put("rowsCheckpointed", partition.rows());
            item.put("checkpoints", partition.commits());
            item.put("checkpointedAt", partition.checkpointedAt() == null ? null : partition.checkpointedAt().toString());
            item.put("executionId", partition.executionId());
        }
        return body;
    }

    @PostMapping("/{id}/stop")
    @Operation(summary = "Ask a running run to stop after its current chunk (STOPPED, relaunchable)")
    ResponseEntity<ObjectNode> stop(@PathVariable long id) {
        runs.stopRun(known(id));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body(runs.describe(id)));
    }

    @PostMapping("/{id}/relaunch")
    @Operation(summary = "Resume a failed, stopped or dead run from its last checkpoint on this node; 202 at once."
            + " maxDollars / maxGpuHours raise its budget's caps (a run its budget stopped)")
    ResponseEntity<ObjectNode> relaunch(@PathVariable long id, Principal caller,
            @RequestParam(name = "maxDollars", defaultValue = "0") double maxDollars,
            @RequestParam(name = "maxGpuHours", defaultValue = "0") double maxGpuHours) {
        Runs.RunView run = runs.describe(known(id));
        if (!run.relaunchable()) {
            throw new RunRequestException("Run " + id + " cannot be relaunched: it is " + run.displayStatus()
                    + (run.reason() == null ? "" : " (" + run.reason() + ")"));
        }
        manualRuns.relaunch(id, caller.getName(), new Runs.BudgetRaise(maxDollars, maxGpuHours));
        ObjectNode body = body(run);
        body.put("location", "/api/runs/" + id);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
    }

    @PostMapping("/{id}/abandon")
    @Operation(summary = "Give a run up for good: ABANDONED, its part files deleted, its output location freed")
    Runs.Abandoned abandon(@PathVariable long id) {
        return runs.abandon(known(id));
    }

    private long known(long id) {
        if (!runs.exists(id)) {
            throw new NotFoundException("No run with id " + id + "; GET /api/runs lists runs.");
        }
        return id;
    }

    /** A run as {@code status --json} shows it, with its progress. */
    static ObjectNode body(Runs.RunView run) {
        ObjectNode body = RunJson.run(run);
        ObjectNode progress = body.putObject("progress");
        progress.put("rowsDone", run.rowsDone());
        progress.put("rowsTotal", run.totalRows());
        Double rate = rowsPerSecond(run);
        progress.put("rowsPerSecond", rate == null ? null : (double) Math.round(rate));
        progress.put("etaSeconds", rate == null || rate <= 0 || !run.running() ? null
                : (double) Math.round((run.totalRows() - run.rowsDone()) / rate));
        progress.put("status", run.status().toLowerCase(Locale.ROOT));
        return body;
    }

    /** The last execution's rows over its time so far (or its whole time, once ended); null before it scored a row. */
    private static Double rowsPerSecond(Runs.RunView run) {
        if (run.executions().isEmpty()) {
            return null;
        }
        Runs.ExecutionView last = run.executions().getLast();
        if (last.started() == null || last.rows() == 0) {
            return null;
        }
        Duration took = Duration.between(last.started(), last.ended() == null ? LocalDateTime.now() : last.ended());
        return took.isZero() ? null : last.rows() / (took.toMillis() / 1000.0);
    }
}
