package io.nightshift.api;

import io.nightshift.schedule.JobRegistry;
import io.nightshift.schedule.ManualRuns;
import io.nightshift.schedule.Scheduling;
import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The job specs of the jobs directory: their state, a reload, and a run started now. */
@RestController
@Profile("serve")
@RequestMapping("/api/jobs")
final class JobsController {

    private final Scheduling scheduling;
    private final ManualRuns manualRuns;

    JobsController(Scheduling scheduling, ManualRuns manualRuns) {
        this.scheduling = scheduling;
        this.manualRuns = manualRuns;
    }

    /** One spec file: {@code status} SCHEDULED, DISABLED, MANUAL or INVALID (then {@code error} says why). */
    record JobBody(String name, String file, String status, boolean valid, String error, String kind, String cron, String timezone,
            List<Instant> nextFires) {
        static JobBody of(JobRegistry.JobState state) {
            var schedule = state.spec() == null ? null : state.spec().schedule();
            return new JobBody(state.name(), state.file().toString(), state.status().name(),
                    state.status() != JobRegistry.Status.INVALID, state.error(),
                    state.spec() == null ? null : state.spec().kind().name().toLowerCase(java.util.Locale.ROOT),
                    schedule == null ? null : schedule.cron(), schedule == null ? null : schedule.timezone(), state.nextFires());
        }
    }

    /** A run started: its id, or null with {@code queued} when it still waits for a free slot of the node. */
    record Started(Long runId, String job, boolean queued, String location) {
    }

    @GetMapping
    @Operation(summary = "Every job spec file: valid or invalid with its error, schedule, next fire times")
    List<JobBody> jobs() {
        return scheduling.jobs().stream().map(JobBody::of).toList();
    }

    @PostMapping("/reload")
    @Operation(summary = "Read the jobs directory again and apply it (a bad file never disables a good one)")
    List<JobBody> reload() {
        return scheduling.reload().stream().map(JobBody::of).toList();
    }

    @PostMapping("/{name}/runs")
    @Operation(summary = "Start a run of the job now, recorded as manual by the caller; 202 with the run id at once")
    ResponseEntity<Started> trigger(@PathVariable String name, Principal caller) throws InterruptedException {
        if (!manualRuns.knows(name)) {
            throw new NotFoundException("No job named " + name + " in the jobs directory; GET /api/jobs lists them.");
        }
        Optional<Long> runId = manualRuns.trigger(name, caller.getName());
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(new Started(runId.orElse(null), name, runId.isEmpty(), runId.map(id -> "/api/runs/" + id).orElse(null)));
    }
}
