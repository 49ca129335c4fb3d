package io.nightshift.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.job.RunHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code nightshift gc} selects, rule by rule, on a home laid out as the application lays it out, with file
 * times and runs chosen by the test ({@link HomeCleaner}'s javadoc states the rules).
 */
class HomeCleanerTests {

    private static final Instant NOW = Instant.parse("2026-06-01T03:00:00Z");
    private static final Duration LIMIT = Duration.ofDays(30);
    private static final Instant OLD = NOW.minus(Duration.ofDays(45));
    private static final Instant RECENT = NOW.minus(Duration.ofDays(2));

    @TempDir
    Path home;

    @Test
    void aModelNoRunNeedsIsDeletedOnceUnusedForLongerThanTheLimit() throws IOException {
        // given
        Path old = model("a", OLD);
        Path recent = model("b", RECENT);

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(), LIMIT, NOW);

        // then
        assertThat(paths(plan)).containsExactly(old);
        assertThat(plan.deletions().getFirst().kind()).isEqualTo(HomeCleaner.Kind.MODEL);
        assertThat(plan.deletions().getFirst().files()).isEqualTo(2);
        assertThat(plan.bytes()).isEqualTo(Files.size(old.resolve("model.onnx")) + Files.size(old.resolve("model.yaml")));
        assertThat(plan.keptRecent()).isEqualTo(1);
        assertThat(recent).exists();
    }

    @Test
    void aModelUsedBetweenPlanningAndDeletingIsKept() throws IOException {
        // given: an old model gc plans to delete
        Path old = model("a", OLD);
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(), LIMIT, NOW);
        assertThat(paths(plan)).containsExactly(old);

        // when: a command caches it again (which refreshes its directory's time) before gc deletes
        touch(old, RECENT);
        HomeCleaner.Result result = HomeCleaner.delete(plan);

        // then
        assertThat(old.resolve("model.onnx")).exists();
        assertThat(result.files()).isZero();
    }

    @Test
    void aModelPinnedByARunThatCanBeRelaunchedIsKeptWhateverItsAge() throws IOException {
        // given: three old models; runs that failed, stopped or died still need theirs
        Path failed = model("a", OLD);
        Path stopped = model("b", OLD);
        Path running = model("c", OLD);
        List<RunHistory.Entry> runs = List.of(run(1, "FAILED", true, OLD, sha("a")), run(2, "STOPPED", true, OLD, sha("b")),
                run(3, "STARTED", true, OLD, sha("c")));

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, runs, LIMIT, NOW);

        // then
        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.keptOld()).extracting(HomeCleaner.Entry::path).containsExactlyInAnyOrder(failed, stopped, running);
        assertThat(plan.keptOld()).extracting(HomeCleaner.Entry::why)
                .contains("pinned by run 1 FAILED, which is not finished or abandoned");
    }

    @Test
    void aModelOnlyFinishedRunsPinnedIsDeletedWhenTheirLastStartIsOlderThanTheLimit() throws IOException {
        // given
        Path finishedLongAgo = model("a", OLD);
        Path finishedRecently = model("b", OLD);
        List<RunHistory.Entry> runs = List.of(run(1, "COMPLETED", false, OLD, sha("a")), run(2, "ABANDONED", false, OLD, sha("a")),
                run(3, "COMPLETED", false, OLD, sha("b")), run(4, "COMPLETED", false, RECENT, sha("b")));

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, runs, LIMIT, NOW);

        // then: the directory's time is old for both, but run 4 started b recently
        assertThat(paths(plan)).containsExactly(finishedLongAgo);
        assertThat(plan.deletions().getFirst().why()).contains("run 1 COMPLETED, run 2 ABANDONED");
        assertThat(finishedRecently).exists();
    }

    @Test
    void aModelUsedRecentlyByACommandIsKeptThoughItsRunsAreOld() throws IOException {
        // given: loading a model from the cache refreshes its directory's time (ModelResolver)
        model("a", RECENT);

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(run(1, "COMPLETED", false, OLD, sha("a"))), LIMIT, NOW);

        // then
        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.keptRecent()).isEqualTo(1);
    }

    @Test
    void theLogOfAFinishedRunIsDeletedOnceOlderThanTheLimit() throws IOException {
        // given
        Path completedOld = log(1, OLD);
        Path abandonedOld = log(2, OLD);
        Path completedRecent = log(3, RECENT);
        Path unknownRunOld = log(99, OLD);
        List<RunHistory.Entry> runs = List.of(run(1, "COMPLETED", false, OLD, null), run(2, "ABANDONED", false, OLD, null),
                run(3, "COMPLETED", false, RECENT, null));

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, runs, LIMIT, NOW);

        // then
        assertThat(paths(plan)).containsExactly(completedOld, abandonedOld, unknownRunOld);
        assertThat(plan.deletions()).extracting(HomeCleaner.Entry::why).anySatisfy(why -> assertThat(why)
                .startsWith("no such run in the job repository"));
        assertThat(completedRecent).exists();
    }

    @Test
    void theLogOfARunThatCanBeRelaunchedIsKeptWhateverItsAge() throws IOException {
        // given
        Path failed = log(1, OLD);
        Path stopped = log(2, OLD);

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(run(1, "FAILED", true, OLD, null), run(2, "STOPPED", true, OLD, null)),
                LIMIT, NOW);

        // then
        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.keptOld()).extracting(HomeCleaner.Entry::path).containsExactly(failed, stopped);
        assertThat(plan.keptOld().getFirst().why()).isEqualTo("run 1 is FAILED and not abandoned (abandon it to let its log go)");
    }

    @Test
    void temporariesLeftWhileCachingGoWhateverTheLimitButNotWhileTheyMayStillBeWritten() throws IOException {
        // given: a kept model holding a leftover temporary (an hour old) and one being written (a minute old)
        Path model = model("a", RECENT);
        Path leftover = touch(Files.writeString(model.resolve(".model-123.tmp"), "half a model"), NOW.minus(Duration.ofHours(1)));
        Path inFlight = touch(Files.writeString(model.resolve(".model-456.tmp"), "being written"), NOW.minus(Duration.ofMinutes(1)));
        touch(model, RECENT);

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(), Duration.ofDays(365), NOW);

        // then
        assertThat(paths(plan)).containsExactly(leftover);
        assertThat(plan.deletions().getFirst().kind()).isEqualTo(HomeCleaner.Kind.TEMPORARY);
        assertThat(inFlight).exists();
    }

    @Test
    void filesGcDoesNotKnowAndTheJobRepositoryAreNeverSelected() throws IOException {
        // given
        touch(Files.writeString(Files.createDirectories(home.resolve("db")).resolve("nightshift.mv.db"), "runs"), OLD);
        touch(Files.writeString(Files.createDirectories(home.resolve("logs")).resolve("notes.txt"), "mine"), OLD);
        touch(Files.createDirectories(home.resolve("models").resolve("not-a-sha256")), OLD);

        // when
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(), LIMIT, NOW);

        // then
        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.keptOld()).isEmpty();
    }

    @Test
    void deletingCarriesOutThePlanAndCountsFilesAndBytes() throws IOException {
        // given
        Path model = model("a", OLD);
        Path log = log(1, OLD);
        HomeCleaner.Plan plan = HomeCleaner.plan(home, List.of(run(1, "COMPLETED", false, OLD, null)), LIMIT, NOW);

        // when
        HomeCleaner.Result result = HomeCleaner.delete(plan);

        // then
        assertThat(model).doesNotExist();
        assertThat(log).doesNotExist();
        assertThat(home.resolve("models")).exists();
        assertThat(result.files()).isEqualTo(3).isEqualTo(plan.files());
        assertThat(result.bytes()).isEqualTo(plan.bytes()).isPositive();
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void anEmptyHomeHasNothingToDelete() {
        assertThat(HomeCleaner.plan(home.resolve("never-used"), List.of(), LIMIT, NOW).deletions()).isEmpty();
    }

    @Test
    void agesAreWholeDaysHoursOrMinutes() {
        assertThat(HomeCleaner.parseAge("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(HomeCleaner.parseAge("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(HomeCleaner.parseAge("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(HomeCleaner.formatAge(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(HomeCleaner.formatAge(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(HomeCleaner.formatAge(Duration.ofMinutes(90))).isEqualTo("90m");
    }

    @Test
    void anythingElseIsNotAnAgeAndTheMessageSaysWhatIs() {
        for (String bad : List.of("30", "3w", "1.5d", "-1d", "0d", "30 days", "d", "")) {
            assertThatThrownBy(() -> HomeCleaner.parseAge(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not an age: give a whole number of days, hours or minutes, at least 1, "
                            + "such as 30d, 12h or 90m");
        }
    }

    @Test
    void sizesReadAsAPersonReadsThem() {
        assertThat(HomeCleaner.bytes(512)).isEqualTo("512 B");
        assertThat(HomeCleaner.bytes(14_540)).isEqualTo("14.2 KiB");
        assertThat(HomeCleaner.bytes(3L << 30)).isEqualTo("3.0 GiB");
    }

    // --- a home as the application lays it out --------------------------------------------------------------------

    /** {@code models/<sha>/} with model.onnx and model.yaml, last used at {@code when}. */
    private Path model(String seed, Instant when) throws IOException {
        Path directory = Files.createDirectories(home.resolve("models").resolve(sha(seed)));
        touch(Files.writeString(directory.resolve("model.onnx"), "onnx bytes of " + seed), when);
        touch(Files.writeString(directory.resolve("model.yaml"), "name: " + seed + "\n"), when);
        return touch(directory, when);
    }

    private Path log(long runId, Instant when) throws IOException {
        Path logs = Files.createDirectories(home.resolve("logs"));
        return touch(Files.writeString(logs.resolve("run-" + runId + ".log"), "run " + runId + " log line\n"), when);
    }

    private static Path touch(Path path, Instant when) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(when));
        return path;
    }

    private static String sha(String seed) {
        return (seed.repeat(64)).substring(0, 64).replaceAll("[^0-9a-f]", "0");
    }

    private static RunHistory.Entry run(long id, String status, boolean relaunchable, Instant started, String sha) {
        return new RunHistory.Entry(id, status, relaunchable, started, sha);
    }

    private static List<Path> paths(HomeCleaner.Plan plan) {
        return plan.deletions().stream().map(HomeCleaner.Entry::path).toList();
    }
}
