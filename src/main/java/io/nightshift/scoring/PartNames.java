package io.nightshift.scoring;

/**
 * Names of a run's part files: {@code part-r000012-p00003-c000041-a000057.parquet} = run 12, partition 3, chunk 41,
 * attempt (step execution) 57. Unique per attempt, so a re-scored chunk never overwrites anything; the run prefix
 * lets the commit find this run's orphans without touching anyone else's files.
 */
record PartNames(long runId, long attempt) {

    String part(int partition, int sequence) {
        return "%sp%05d-c%06d-a%06d.parquet".formatted(partPrefix(runId), partition, sequence, attempt);
    }

    String rejects(int partition, int sequence) {
        return "%sp%05d-c%06d-a%06d.parquet".formatted(rejectsPrefix(runId), partition, sequence, attempt);
    }

    static String partPrefix(long runId) {
        return "part-r%06d-".formatted(runId);
    }

    static String rejectsPrefix(long runId) {
        return "rejects-r%06d-".formatted(runId);
    }
}
