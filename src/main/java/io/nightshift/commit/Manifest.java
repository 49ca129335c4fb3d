package io.nightshift.commit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * {@code _manifest.json}: the one object that makes a run's output visible. Readers trust the parts it lists and
 * nothing else in the directory. Written once, with a conditional create; never modified.
 */
public record Manifest(
        int formatVersion,
        long runId,
        String runKey,
        String jobName,
        String committedAt,
        Map<String, String> model,
        List<InputFile> inputs,
        List<Part> parts,
        List<Part> rejectParts,
        long rowsRead,
        long rowsScored,
        long rowsRejected,
        Map<String, Long> rejectReasons,
        Cost cost) {

    public static final int FORMAT_VERSION = 1;

    /**
     * The tag in every part name of a run: {@code r000012-1a2b3c4d}, the run id and the first 8 letters or digits of
     * its run key. The run id alone repeats across job repositories (two homes, or a laptop and production, both have
     * a run 1); with the key, one run's clean-up never takes another repository's run's parts.
     */
    public static String runTag(long runId, String runKey) {
        String key = runKey.replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
        return "r%06d-%s".formatted(runId, key.substring(0, Math.min(8, key.length())));
    }

    /** This run's tag, see {@link #runTag(long, String)}. */
    public String runTag() {
        return runTag(runId, runKey);
    }

    public Manifest {
        requireNonNull(runKey, "runKey is null");
        requireNonNull(jobName, "jobName is null");
        model = Map.copyOf(model);
        inputs = List.copyOf(inputs);
        parts = List.copyOf(parts);
        rejectParts = List.copyOf(rejectParts);
        rejectReasons = Map.copyOf(rejectReasons);
        if (rowsRead != rowsScored + rowsRejected) {
            throw new IllegalArgumentException("Invariant broken: rows read " + rowsRead + " != rows scored " + rowsScored
                    + " + rows rejected " + rowsRejected);
        }
    }

    /** A committed Parquet part: its name relative to the output (or rejects) location, rows, bytes and CRC-32C. */
    public record Part(String name, long rows, long bytes, String crc32c) {
        public Part {
            requireNonNull(name, "name is null");
        }
    }

    /**
     * What the run cost up to its commit, all executions: node-hours, GPU-hours and estimated dollars at its budget's
     * price ({@code pricing} says where the price came from). Absent from manifests written before runs were costed.
     */
    public record Cost(double nodeHours, double gpuHours, double dollars, String pricing) {
    }

    /** A manifest without a cost. */
    public Manifest(int formatVersion, long runId, String runKey, String jobName, String committedAt, Map<String, String> model,
            List<InputFile> inputs, List<Part> parts, List<Part> rejectParts, long rowsRead, long rowsScored, long rowsRejected,
            Map<String, Long> rejectReasons) {
        this(formatVersion, runId, runKey, jobName, committedAt, model, inputs, parts, rejectParts, rowsRead, rowsScored, rowsRejected,
                rejectReasons, null);
    }

    /** An input file the run scored. */
    public record InputFile(String uri, long bytes, long rows) {
        public InputFile {
            requireNonNull(uri, "uri is null");
        }
    }
}
