package io.nightshift.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlan.PlannedFile;
import io.nightshift.scoring.ScoringPlan.PlannedModel;
import io.nightshift.scoring.ScoringSettings;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClientUtils;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The events of a fake plan, as the client serialises them: job, run id, datasets, row counts, model facet. */
class LineageEventsTests {

    private final LineageEvents events = new LineageEvents("nightshift",
            Clock.fixed(Instant.parse("2026-12-02T01:00:00Z"), ZoneOffset.UTC));

    @Test
    void aStartNamesTheJobTheInputFilesTheOutputAndTheModel() throws Exception {
        // given
        ScoringPlan plan = plan(List.of(file("s3://lake/customers/a.parquet", 600), file("s3://lake/customers/b.parquet", 400)),
                "s3://lake/scores/2026-12-02/");

        // when
        JsonNode start = json(EventType.START, new LineageRun(42, "churn-nightly", plan, null, null, null));

        // then
        assertThat(start.get("eventType").asText()).isEqualTo("START");
        assertThat(start.get("job").get("namespace").asText()).isEqualTo("nightshift");
        assertThat(start.get("job").get("name").asText()).isEqualTo("churn-nightly");
        assertThat(start.get("inputs")).extracting(input -> input.get("namespace").asText() + " " + input.get("name").asText())
                .containsExactly("s3://lake customers/a.parquet", "s3://lake customers/b.parquet");
        assertThat(start.get("inputs").get(0).get("inputFacets").get("inputStatistics").get("rowCount").asLong()).isEqualTo(600);
        assertThat(start.get("outputs").get(0).get("namespace").asText()).isEqualTo("s3://lake");
        assertThat(start.get("outputs").get(0).get("name").asText()).isEqualTo("scores/2026-12-02/");
        assertThat(start.get("outputs").get(0).has("outputFacets")).isFalse();
        JsonNode model = start.get("run").get("facets").get("nightshift_model");
        assertThat(model.get("name").asText()).isEqualTo("churn");
        assertThat(model.get("version").asText()).isEqualTo("3");
        assertThat(model.get("sha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(start.get("run").get("facets").get("nightshift_rows").get("input").asLong()).isEqualTo(1000);
    }

    @Test
    void aCompleteCountsTheRowsScoredInTheSameRunAsEveryExecution() throws Exception {
        // given
        ScoringPlan plan = plan(List.of(file("/data/in/a.parquet", 1000)), "file:///data/out/");
        RunCommit.Summary summary = new RunCommit.Summary(1000, 990, 10, 2, 1, 0, Map.of());

        // when
        JsonNode start = json(EventType.START, new LineageRun(7, "score", plan, null, null, null));
        JsonNode complete = json(LineageEvents.type("COMPLETED"), new LineageRun(7, "score", plan, summary, "COMPLETED", null));

        // then
        assertThat(complete.get("eventType").asText()).isEqualTo("COMPLETE");
        assertThat(complete.get("run").get("runId").asText()).isEqualTo(start.get("run").get("runId").asText())
                .isEqualTo(events.runUuid(7).toString()).isNotEqualTo(events.runUuid(8).toString());
        assertThat(complete.get("inputs").get(0).get("namespace").asText()).isEqualTo("file");
        assertThat(complete.get("inputs").get(0).get("name").asText()).isEqualTo("/data/in/a.parquet");
        JsonNode output = complete.get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("/data/out/");
        assertThat(output.get("outputFacets").get("outputStatistics").get("rowCount").asLong()).isEqualTo(990);
        JsonNode rows = complete.get("run").get("facets").get("nightshift_rows");
        assertThat(rows.get("scored").asLong()).isEqualTo(990);
        assertThat(rows.get("rejected").asLong()).isEqualTo(10);
    }

    @Test
    void aFailureSaysWhyAndAStopIsAnAbort() throws Exception {
        // given
        ScoringPlan plan = plan(List.of(file("/data/in/a.parquet", 1000)), "/data/out/");

        // when
        JsonNode fail = json(LineageEvents.type("FAILED"), new LineageRun(7, "score", plan, null, "FAILED", "column f3 is missing"));

        // then
        assertThat(fail.get("eventType").asText()).isEqualTo("FAIL");
        assertThat(fail.get("run").get("facets").get("errorMessage").get("message").asText()).isEqualTo("column f3 is missing");
        assertThat(LineageEvents.type("STOPPED")).isEqualTo(EventType.ABORT);
        assertThat(LineageEvents.type(null)).isEqualTo(EventType.RUNNING);
    }

    @Test
    void manyInputFilesAreOneDatasetPerDirectory() throws Exception {
        // given
        List<PlannedFile> files = IntStream.range(0, LineageEvents.MAX_INPUT_DATASETS + 1)
                .mapToObj(i -> file("s3://lake/" + (i % 2 == 0 ? "even" : "odd") + "/part-" + i + ".parquet", 10))
                .toList();

        // when
        JsonNode start = json(EventType.START, new LineageRun(1, "score", plan(files, "s3://lake/out/"), null, null, null));

        // then
        assertThat(start.get("inputs")).extracting(input -> input.get("name").asText()).containsExactly("even", "odd");
        assertThat(start.get("inputs").get(0).get("inputFacets").get("inputStatistics").get("fileCount").asLong()).isEqualTo(51);
    }

    private JsonNode json(EventType type, LineageRun run) throws Exception {
        return new ObjectMapper().readTree(OpenLineageClientUtils.toJson(events.event(type, run)));
    }

    private static PlannedFile file(String uri, long rows) {
        return new PlannedFile(uri, "v1", 1, rows * 8, rows, List.of(rows));
    }

    private static ScoringPlan plan(List<PlannedFile> files, String output) {
        ScoringSettings settings = new ScoringSettings("model.onnx", "in", output, null, "customer_id", List.of("f1"), null,
                List.of(), 100, 1000, 1, 1.0, false, "cpu");
        return new ScoringPlan("run-key", settings, output, output + "_rejects/",
                new PlannedModel("s3://models/churn/3/model.onnx", "churn", "3", "ab".repeat(32)), List.of(), 0, List.of(),
                files, List.of(), files.stream().mapToLong(PlannedFile::rows).sum());
    }
}
