package io.nightshift.scoring;

import io.nightshift.commit.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of a run's part files: {@code part-r000012-1a2b3c4d-p00003-c000041-e002-a000057.parquet} = run 12 (run key
 * 1a2b3c4d…), partition 3, chunk 41, lease epoch 2, attempt (step execution) 57. Unique per attempt, so a re-scored
 * chunk never overwrites anything; the run tag ({@link Manifest#runTag}) lets the commit find this run's orphans
 * without touching anyone else's files, even another job repository's run with the same id; the epoch tells a
 * current holder's parts from those of a holder that was taken over.
 */
record PartNames(long runId, String runKey, long epoch, long attempt) {

    private static final Pattern EPOCH = Pattern.compile("-e(\\d+)-a\\d+\\.parquet$");

    String part(int partition, int sequence) {
        return "%sp%05d-c%06d-e%03d-a%06d.parquet".formatted(partPrefix(runId, runKey), partition, sequence, epoch, attempt);
    }

    String rejects(int partition, int sequence) {
        return "%sp%05d-c%06d-e%03d-a%06d.parquet".formatted(rejectsPrefix(runId, runKey), partition, sequence, epoch, attempt);
    }

    /** The lease epoch a part was written at, from its name; 0 for names from before epochs were recorded. */
    static long epochOf(String partName) {
        Matcher matcher = EPOCH.matcher(partName);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    static String partPrefix(long runId, String runKey) {
        return "part-" + Manifest.runTag(runId, runKey) + "-";
    }

    static String rejectsPrefix(long runId, String runKey) {
        return "rejects-" + Manifest.runTag(runId, runKey) + "-";
    }
}
