package io.nightshift.lineage;

import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlan.PlannedFile;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.InputDataset;
import io.openlineage.client.OpenLineage.OutputDataset;
import io.openlineage.client.OpenLineage.RunEvent;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineage.RunFacet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the OpenLineage run events of a run with the client's builders: the job ({@code namespace}, job name), a run
 * id derived from the Nightshift run id (the same for every execution, so a relaunch continues the same OpenLineage
 * run), one input dataset per planned file (per directory past {@value #MAX_INPUT_DATASETS} files), the output location
 * with its row count once committed, and the {@code nightshift_model} and {@code nightshift_rows} run facets.
 */
final class LineageEvents {

    /** Past this many input files, one dataset per directory: a run of 10,000 files makes no readable lineage graph. */
    static final int MAX_INPUT_DATASETS = 100;

    static final URI PRODUCER = URI.create("https://github.com/nightshift/nightshift");

    private final OpenLineage ol = new OpenLineage(PRODUCER);
    private final String namespace;
    private final Clock clock;

    LineageEvents(String namespace, Clock clock) {
        this.namespace = namespace;
        this.clock = clock;
    }

    /** The event of {@code type} for {@code run}. */
    RunEvent event(EventType type, LineageRun run) {
        return ol.newRunEventBuilder()
                .eventType(type)
                .eventTime(ZonedDateTime.now(clock))
                .run(ol.newRun(runUuid(run.runId()), runFacets(run)))
                .job(ol.newJobBuilder().namespace(namespace).name(run.job()).build())
                .inputs(inputs(run.plan()))
                .outputs(outputs(run))
                .build();
    }

    /** START, COMPLETE, FAIL or ABORT (a stop: relaunchable) for a batch status; RUNNING while there is none. */
    static EventType type(String outcome) {
        if (outcome == null) {
            return EventType.RUNNING;
        }
        return switch (outcome) {
            case "COMPLETED" -> EventType.COMPLETE;
            case "STOPPED", "STOPPING", "ABANDONED" -> EventType.ABORT;
            default -> EventType.FAIL;
        };
    }

    /** Stable across executions and processes: a name-based UUID of the namespace and the Nightshift run id. */
    UUID runUuid(long runId) {
        return UUID.nameUUIDFromBytes((namespace + "/" + runId).getBytes(StandardCharsets.UTF_8));
    }

    private OpenLineage.RunFacets runFacets(LineageRun run) {
        OpenLineage.RunFacetsBuilder facets = ol.newRunFacetsBuilder();
        facets.put("nightshift_run", facet(Map.of("runId", run.runId())));
        if (run.plan() != null) {
            ScoringPlan.PlannedModel model = run.plan().model();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", model.name());
            fields.put("version", model.version());
            fields.put("sha256", model.sha256());
            fields.put("location", model.location());
            facets.put("nightshift_model", facet(fields));
            Map<String, Object> rows = new LinkedHashMap<>();
            rows.put("input", run.plan().totalRows());
            rows.put("inputFiles", run.plan().files().size());
            if (run.summary() != null) {
                rows.put("read", run.summary().rowsRead());
                rows.put("scored", run.summary().rowsScored());
                rows.put("rejected", run.summary().rowsRejected());
            }
            facets.put("nightshift_rows", facet(rows));
        }
        if (run.reason() != null && type(run.outcome()) != EventType.COMPLETE) {
            facets.errorMessage(ol.newErrorMessageRunFacetBuilder().message(run.reason()).programmingLanguage("java").build());
        }
        return facets.build();
    }

    private RunFacet facet(Map<String, ?> fields) {
        RunFacet facet = ol.newRunFacet();
        facet.getAdditionalProperties().putAll(fields);
        return facet;
    }

    private List<InputDataset> inputs(ScoringPlan plan) {
        if (plan == null) {
            return List.of();
        }
        List<InputDataset> inputs = new ArrayList<>();
        if (plan.files().size() <= MAX_INPUT_DATASETS) {
            for (PlannedFile file : plan.files()) {
                Location location = Location.of(file.uri());
                inputs.add(input(location, file.rows(), file.sizeBytes(), 1));
            }
            return inputs;
        }
        Map<Location, long[]> directories = new LinkedHashMap<>();
        for (PlannedFile file : plan.files()) {
            long[] totals = directories.computeIfAbsent(Location.of(file.uri()).parent(), ignored -> new long[3]);
            totals[0] += file.rows();
            totals[1] += file.sizeBytes();
            totals[2]++;
        }
        directories.forEach((directory, totals) -> inputs.add(input(directory, totals[0], totals[1], totals[2])));
        return inputs;
    }

    private InputDataset input(Location location, long rows, long bytes, long files) {
        return ol.newInputDatasetBuilder()
                .namespace(location.namespace())
                .name(location.name())
                .inputFacets(ol.newInputDatasetInputFacetsBuilder()
                        .inputStatistics(ol.newInputStatisticsInputDatasetFacet(rows, bytes, files))
                        .build())
                .build();
    }

    private List<OutputDataset> outputs(LineageRun run) {
        if (run.plan() == null) {
            return List.of();
        }
        Location location = Location.of(run.plan().outputUri());
        OpenLineage.OutputDatasetBuilder output = ol.newOutputDatasetBuilder()
                .namespace(location.namespace())
                .name(location.name());
        if (run.summary() != null) {
            output.outputFacets(ol.newOutputDatasetOutputFacetsBuilder()
                    .outputStatistics(ol.newOutputStatisticsOutputDatasetFacetBuilder()
                            .rowCount(run.summary().rowsScored())
                            .fileCount((long) run.summary().parts())
                            .build())
                    .build());
        }
        return List.of(output.build());
    }

    /**
     * A file or directory as OpenLineage names datasets: {@code s3://bucket} and the key, or {@code file} and the
     * absolute path (the naming spec's local file system).
     */
    record Location(String namespace, String name) {

        static Location of(String uri) {
            URI parsed = URI.create(uri.replace(" ", "%20"));
            if (parsed.getScheme() == null || parsed.getScheme().equals("file")) {
                return new Location("file", parsed.getPath());
            }
            String key = parsed.getPath().startsWith("/") ? parsed.getPath().substring(1) : parsed.getPath();
            return new Location(parsed.getScheme() + "://" + parsed.getAuthority(), key);
        }

        Location parent() {
            int slash = name.lastIndexOf('/');
            return new Location(namespace, slash <= 0 ? name : name.substring(0, slash));
        }
    }
}
