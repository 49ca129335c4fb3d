package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.job.RunLeases;
import io.nightshift.job.Runs;
import io.nightshift.scoring.RunCommit;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code nightshift status} prints, from runs as the job repository describes them: columns aligned to their
 * content, times with their zone, locations to paste, and no {@code null} anywhere.
 */
class StatusTextTests {

    private static final LocalDateTime STARTED = LocalDateTime.of(2026, 12, 2, 1, 15, 13, 42_000_000);
    private static final LocalDateTime ENDED = STARTED.plusSeconds(95);

    @Test
    void theListsColumnsAreAsWideAsTheirWidestCellAndNumbersAlignRight() {
        // given: a long status, a 12-digit count, a path with a space, an unplanned run
        List<Runs.RunView> runs = List.of(
                run(123_456_789, "nightly-churn-scores", "COMMIT_STATE_UNKNOWN", 123_456_789_012L, 123_456_789_012L,
                        "file:///data/night%20shift/out/"),
                run(7, "score", "FAILED", 0, 0, null),
                run(6, "demo", "COMPLETED", 240_000, 240_000, "s3://bucket/scores/"));

        // when
        List<String> lines = StatusCommand.list(runs).lines().toList();

        // then: every column starts at the same place on every line
        assertThat(lines).hasSize(4);
        String header = lines.getFirst();
        for (String column : List.of("JOB", "STATUS", "STARTED", "OUTPUT")) {
            int start = header.indexOf(column);
            for (String line : lines.subList(1, lines.size())) {
                assertThat(line.charAt(start - 1)).as("column %s in%n%s", column, String.join("\n", lines)).isEqualTo(' ');
                assertThat(line.charAt(start)).as("column %s in%n%s", column, String.join("\n", lines)).isNotEqualTo(' ');
            }
        }
        int rowsEnd = header.indexOf("ROWS") + "ROWS".length();
        assertThat(lines.get(1)).contains("123,456,789,012/123,456,789,012  /data/night shift/out/");
        assertThat(lines.get(1).indexOf("  /data")).isEqualTo(rowsEnd);
        assertThat(lines.get(1)).contains("COMMIT_STATE_UNKNOWN").contains("2026-12-02 01:15:13 " + zone());
        assertThat(lines.get(2)).endsWith("-  -").doesNotContain("null");
        assertThat(lines.get(3)).endsWith("s3://bucket/scores/");
        System.out.println(String.join("\n", lines));
    }

    @Test
    void aRunThatFailedWhilePlanningShowsDashesNotNulls() {
        // given
        Runs.RunView run = new Runs.RunView(3, "score", "FAILED", false, List.of(execution(3, "FAILED", 0, "Features [nope] differ")),
                STARTED, ENDED, 0, 0, false, null, null, null, "Features [nope] differ", "CONFIGURATION", lease(false, true), List.of());

        // when
        String text = StatusCommand.describe(run);

        // then
        assertThat(text).doesNotContain("null");
        assertThat(text).contains("  reason      Features [nope] differ").contains("  rows        - (not planned)")
                .contains("  model       -").contains("  output      -");
        System.out.println(text);
    }

    @Test
    void aRunningRunShowsNoEndButHowLongItHasRun() {
        // given
        Runs.RunView run = new Runs.RunView(4, "score", "STARTED", false, List.of(execution(4, "STARTED", 75_000, null)),
                STARTED, null, 240_000, 75_000, false, "file:///tmp/out/", "churn@1 (sha256 004614fbb0e7)", null, null, null,
                lease(true, false), List.of());

        // when
        String text = StatusCommand.describe(run);

        // then
        assertThat(text).doesNotContain("null").contains("  ended       - (running for ")
                .contains("75,000 / 240,000 scored or rejected so far, not committed yet")
                .contains("  owner       node-7, pid 4242 (alive, last heartbeat ");
        assertThat(text.lines().filter(line -> line.strip().startsWith("4 ")).findFirst().orElseThrow()).contains("running");
    }

    @Test
    void aCommittedRunSaysCommittedAndOneWhoseCommitFailedSaysNot() {
        // given
        RunCommit.Summary summary = new RunCommit.Summary(240_000, 239_980, 20, 8, 8, 0, Map.of("NULL_FEATURE", 20L));
        Runs.RunView committed = new Runs.RunView(1, "demo", "COMPLETED", false, List.of(execution(1, "COMPLETED", 240_000, null)),
                STARTED, ENDED, 240_000, 240_000, true, "file:///tmp/out/", "churn@1", summary, null, null, lease(false, true), List.of());
        Runs.RunView commitFailed = new Runs.RunView(2, "score", "FAILED", false,
                List.of(execution(2, "FAILED", 240_000, "rejected 20 of 240,000 rows")), STARTED, ENDED, 240_000, 240_000, false,
                "file:///tmp/out/", "churn@1", null, "rejected 20 of 240,000 rows", "RUN", lease(false, true), List.of());
        Runs.RunView unknown = new Runs.RunView(5, "score", "FAILED", false,
                List.of(execution(5, "FAILED", 240_000, "Cannot tell whether")), STARTED, ENDED, 240_000, 240_000, false,
                "file:///tmp/out/", "churn@1", null, "Cannot tell whether", "COMMIT_STATE_UNKNOWN", lease(false, true), List.of());

        // then
        assertThat(StatusCommand.describe(committed)).contains("  rows        240,000 / 240,000 committed")
                .contains("  result      240,000 read = 239,980 scored + 20 rejected");
        assertThat(StatusCommand.describe(commitFailed)).contains("240,000 / 240,000 scored or rejected, not committed")
                .doesNotContain("240,000 committed");
        assertThat(StatusCommand.describe(unknown)).contains("whether they were committed is unknown");
    }

    @Test
    void everyExecutionShowsItsStartEndDurationOutcomeAndRows() {
        // given: a run killed once and relaunched
        Runs.RunView run = new Runs.RunView(9, "score", "COMPLETED", false, List.of(
                new Runs.ExecutionView(11, "FAILED", STARTED, STARTED.plusSeconds(3), 75_000, "its process died"),
                new Runs.ExecutionView(12, "COMPLETED", STARTED.plusSeconds(60), STARTED.plusSeconds(62), 165_000, null)),
                STARTED, STARTED.plusSeconds(62), 240_000, 240_000, true, "file:///tmp/out/", "churn@1",
                new RunCommit.Summary(240_000, 240_000, 0, 8, 0, 2, Map.of()), null, null, lease(false, true), List.of());

        // when
        List<String> lines = StatusCommand.describe(run).lines().toList();

        // then
        int header = lines.indexOf(lines.stream().filter(line -> line.contains("EXECUTION")).findFirst().orElseThrow());
        assertThat(lines.get(header)).contains("STATUS").contains("STARTED").contains("ENDED").contains("TOOK").contains("ROWS");
        assertThat(lines.get(header + 1)).contains("11  FAILED").contains("3.0 s").endsWith(" 75,000");
        assertThat(lines.get(header + 2)).contains("12  COMPLETED").contains("2.0 s").endsWith("165,000");
        assertThat(lines.get(header + 1).length()).isEqualTo(lines.get(header + 2).length());
    }

    private static Runs.RunView run(long id, String job, String status, long total, long done, String output) {
        return new Runs.RunView(id, job, status, false, List.of(execution(id, status, done, null)), STARTED, ENDED, total, done,
                "COMPLETED".equals(status), output, null, null, null, null, null, List.of());
    }

    private static Runs.ExecutionView execution(long id, String status, long rows, String reason) {
        return new Runs.ExecutionView(id, status, STARTED, "STARTED".equals(status) ? null : ENDED, rows, reason);
    }

    private static RunLeases.Lease lease(boolean alive, boolean released) {
        return new RunLeases.Lease(1, 1, 1L, "node-7", 4242, Instant.now(), released, alive);
    }

    private static String zone() {
        return STARTED.atZone(ZoneId.systemDefault()).format(java.time.format.DateTimeFormatter.ofPattern("z"));
    }
}
