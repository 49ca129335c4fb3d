package io.nightshift.cli;

import io.nightshift.scoring.ScoringSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code nightshift score}; the same names are the keys of a job spec. */
final class ScoringOptions {

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A .onnx file, a model directory with model.onnx and model.yaml, or a registered version: NAME@VERSION or NAME@ALIAS (churn@3, churn@production).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "URI", description = "Parquet input: a file, a directory or a glob; a path, file:// or s3://.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "Output directory: part files, _manifest.json and _SUCCESS.")
    String output;

    @Option(names = "--id-column", defaultValue = "id", paramLabel = "COLUMN", description = "Column identifying a row (default: ${DEFAULT-VALUE}).")
    String idColumn;

    @Option(names = "--features", split = ",", paramLabel = "COLUMN", description = "Feature columns in model order (default: the model's list, or every numeric non-id column).")
    List<String> features = new ArrayList<>();

    @Option(names = "--feature-prefix", paramLabel = "PREFIX", description = "Use every column whose name starts with PREFIX, in file order.")
    String featurePrefix;

    @Option(names = "--passthrough", split = ",", paramLabel = "COLUMN", description = "Input columns copied to the output unchanged.")
    List<String> passthrough = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = "" + ScoringSettings.DEFAULT_BATCH_SIZE, paramLabel = "N", description = "Rows per inference call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--commit-interval", defaultValue = "" + ScoringSettings.DEFAULT_COMMIT_INTERVAL, paramLabel = "N", description = "Rows per checkpoint; the most a crash re-scores (default: ${DEFAULT-VALUE}).")
    int commitInterval;

    @Option(names = "--threads", paramLabel = "N", description = "Partitions scored at once (default: the number of cores).")
    Integer threads;

    @Option(names = "--rejects", paramLabel = "URI", description = "Where rejected rows go (default: OUTPUT/_rejects).")
    String rejects;

    @Option(names = "--max-reject-fraction", defaultValue = "" + ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, paramLabel = "FRACTION", description = "Fail the run when more than this share of rows is rejected (default: ${DEFAULT-VALUE}).")
    double maxRejectFraction;

    @Option(names = "--overwrite", description = "Replace a committed result at the output location.")
    boolean overwrite;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", description = "Where inference runs: cpu or gpu (default: ${DEFAULT-VALUE}).")
    String device;

    ScoringSettings toSettings() {
        return new ScoringSettings(model, input, output, rejects, idColumn, features, featurePrefix, passthrough, batchSize,
                commitInterval, threads == null ? Runtime.getRuntime().availableProcessors() : threads, maxRejectFraction, overwrite,
                device);
    }
}
