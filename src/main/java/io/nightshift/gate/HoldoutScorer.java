package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

import io.nightshift.model.FeatureAssembler;
import io.nightshift.model.FeatureBlock;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelScorer;
import io.nightshift.model.RejectReason;
import io.nightshift.model.ScoreBlock;
import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.parquet.ColumnInfo;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores a labelled holdout (a file, directory or glob; local or S3) with a candidate and, optionally, a production
 * model, through model/'s {@link FeatureAssembler} and {@link ModelScorer} exactly as a run would, on exactly the same
 * rows: a row either model cannot score (a feature null or NaN without fill, infinite, beyond float range), or whose
 * label is null or not 0/1, is left out for both, counted by reason and, for the first few, named by file and row.
 * Records each model's inference throughput and p99 batch latency.
 */
public final class HoldoutScorer {

    public static final int DEFAULT_BATCH_SIZE = 1024;
    static final int EXAMPLES = 10;
    static final String NULL_LABEL = "NULL_LABEL";
    static final String LABEL_NOT_BINARY = "LABEL_NOT_BINARY";
    /** The slice value of a row whose slice column is null. */
    public static final String NULL_SLICE = "(null)";

    private final Storage storage;

    public HoldoutScorer(Storage storage) {
        this.storage = requireNonNull(storage, "storage is null");
    }

    /** Where the holdout is and which of its columns are the label and the slices. */
    public record Holdout(String uri, String labelColumn, List<String> sliceColumns, int batchSize) {
        public Holdout {
            requireNonNull(uri, "uri is null");
            requireNonNull(labelColumn, "labelColumn is null");
            sliceColumns = List.copyOf(requireNonNull(sliceColumns, "sliceColumns is null"));
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
            }
        }
    }

    /** One model's speed on the holdout: inference only (pre-processing in the translator included), per batch. */
    public record Timing(long rows, int batches, double rowsPerSecond, double p99BatchLatencyMs) {
    }

    /**
     * The evaluated rows: labels, each model's positive-class score (production's null without production), slice values
     * per slice column, and what was left out.
     */
    public record Scores(boolean[] labels, double[] candidate, double[] production, Map<String, String[]> slices, long rowsRead,
            Map<String, Long> excludedByReason, List<Report.ExcludedRow> excludedExamples, Timing candidateTiming,
            Timing productionTiming, String candidateColumn, String productionColumn, List<String> files) {

        public int rows() {
            return labels.length;
        }

        public long excluded() {
            return excludedByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The output column holding a model's positive-class probability: its only column; else {@code probability_1}
     * (element 1 of a {@value OnnxModelWriter#PROBABILITY_OUTPUT} output {@code [N, 2]}); else {@code probability}.
     */
    public static int positiveClassColumn(LoadedModel model) {
        List<String> columns = model.outputColumns();
        if (columns.size() == 1) {
            return 0;
        }
        int index = columns.indexOf(OnnxModelWriter.PROBABILITY_OUTPUT + "_1");
        if (index < 0) {
            index = columns.indexOf(OnnxModelWriter.PROBABILITY_OUTPUT);
        }
        if (index < 0) {
            throw new GateException("Cannot evaluate model " + model.artifact().describe() + ": its outputs " + columns
                    + " have no positive-class probability; the gate reads the only output column, else '"
                    + OnnxModelWriter.PROBABILITY_OUTPUT + "_1' (a [N, 2] '" + OnnxModelWriter.PROBABILITY_OUTPUT
                    + "' output), else '" + OnnxModelWriter.PROBABILITY_OUTPUT + "'. Name the output in model.yaml.");
        }
        return index;
    }

    public Scores score(Holdout holdout, LoadedModel candidate, LoadedModel production) throws IOException {
        requireNonNull(holdout, "holdout is null");
        requireNonNull(candidate, "candidate is null");
        List<StorageFile> files = storage.list(holdout.uri());
        if (files.isEmpty()) {
            throw new GateException("Cannot evaluate on holdout " + holdout.uri() + ": no files match it");
        }
        List<LoadedModel> models = production == null ? List.of(candidate) : List.of(candidate, production);
        int modelCount = models.size();
        FeatureAssembler[] assemblers = new FeatureAssembler[modelCount];
        int[] scoreColumns = new int[modelCount];
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        wanted.add(holdout.labelColumn());
        wanted.addAll(holdout.sliceColumns());
        for (int m = 0; m < modelCount; m++) {
            assemblers[m] = new FeatureAssembler(models.get(m).features());
            scoreColumns[m] = positiveClassColumn(models.get(m));
            wanted.addAll(assemblers[m].featureNames());
        }
        List<String> columns = List.copyOf(wanted);
        Set<String> features = new HashSet<>();
        for (FeatureAssembler assembler : assemblers) {
            features.addAll(assembler.featureNames());
        }
        ModelScorer[] scorers = new ModelScorer[modelCount];
        Growing labels = new Growing();
        Growing[] scores = new Growing[modelCount];
        List<long[]> latencies = new ArrayList<>();
        long[] inferenceNanos = new long[modelCount];
        int[] batches = new int[modelCount];
        Map<String, List<String>> sliceValues = new LinkedHashMap<>();
        holdout.sliceColumns().forEach(column -> sliceValues.put(column, new ArrayList<>()));
        Map<String, Long> excluded = new TreeMap<>();
        List<Report.ExcludedRow> examples = new ArrayList<>();
        long rowsRead = 0;
        for (int m = 0; m < modelCount; m++) {
            scores[m] = new Growing();
            latencies.add(new long[16]);
        }
        try {
            for (int m = 0; m < modelCount; m++) {
                scorers[m] = models.get(m).newScorer();
            }
            for (StorageFile file : files) {
                try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, file.uri(), columns)) {
                    List<ColumnInfo> infos = reader.columns();
                    checkKinds(file.uri(), holdout, infos, columns, features);
                    ColumnVector[] vectors = reader.newVectors(holdout.batchSize());
                    ColumnVector label = vectors[0];
                    ColumnVector[][] modelColumns = new ColumnVector[modelCount][];
                    for (int m = 0; m < modelCount; m++) {
                        List<String> names = assemblers[m].featureNames();
                        modelColumns[m] = new ColumnVector[names.size()];
                        for (int f = 0; f < names.size(); f++) {
                            modelColumns[m][f] = vectors[columns.indexOf(names.get(f))];
                        }
                    }
                    long firstRow = 0;
                    while (true) {
                        for (ColumnVector vector : vectors) {
                            vector.clear();
                        }
                        int rows = reader.read(vectors, holdout.batchSize());
                        if (rows == 0) {
                            break;
                        }
                        rowsRead += rows;
                        FeatureAssembler.AssembledFeatures[] assembled = new FeatureAssembler.AssembledFeatures[modelCount];
                        for (int m = 0; m < modelCount; m++) {
                            assembled[m] = assemblers[m].assemble(modelColumns[m], 0, rows);
                        }
                        int[] keep = new int[rows];
                        int kept = 0;
                        for (int row = 0; row < rows; row++) {
                            String reason = null;
                            String model = null;
                            String message = null;
                            int labelValue = labelValue(label, row);
                            if (labelValue == -1) {
                                reason = NULL_LABEL;
                                message = "label '" + holdout.labelColumn() + "' is null";
                            } else if (labelValue == -2) {
                                reason = LABEL_NOT_BINARY;
                                message = "label '" + holdout.labelColumn() + "' is " + labelText(label, row) + ", not 0 or 1";
                            } else {
                                for (int m = 0; m < modelCount && reason == null; m++) {
                                    RejectReason rejected = assembled[m].reason(row);
                                    if (rejected != null) {
                                        reason = rejected.name();
                                        model = m == 0 ? "candidate" : "production";
                                        message = assembled[m].message(row);
                                    }
                                }
                            }
                            if (reason == null) {
                                keep[kept++] = row;
                                labels.add(labelValue);
                                continue;
                            }
                            excluded.merge(reason, 1L, Long::sum);
                            if (examples.size() < EXAMPLES) {
                                examples.add(new Report.ExcludedRow(file.uri(), firstRow + row, reason, model, message));
                            }
                        }
                        for (String slice : holdout.sliceColumns()) {
                            ColumnVector vector = vectors[columns.indexOf(slice)];
                            List<String> values = sliceValues.get(slice);
                            for (int k = 0; k < kept; k++) {
                                values.add(sliceText(vector, keep[k]));
                            }
                        }
                        if (kept > 0) {
                            for (int m = 0; m < modelCount; m++) {
                                FeatureBlock block = kept == rows && !assembled[m].anyRejected()
                                        ? assembled[m].block() : assembled[m].keepOnly(keep, kept);
                                long start = System.nanoTime();
                                ScoreBlock scored = scorers[m].score(block);
                                long elapsed = System.nanoTime() - start;
                                inferenceNanos[m] += elapsed;
                                long[] times = latencies.get(m);
                                if (batches[m] == times.length) {
                                    times = Arrays.copyOf(times, times.length * 2);
                                    latencies.set(m, times);
                                }
                                times[batches[m]++] = elapsed;
                                float[] positive = scored.columns()[scoreColumns[m]];
                                for (int k = 0; k < kept; k++) {
                                    double score = positive[k];
                                    if (!(score >= 0 && score <= 1)) {
                                        throw new GateException("Cannot evaluate model " + models.get(m).artifact().describe() + ": its score "
                                                + score + " for row " + (firstRow + keep[k]) + " of " + file.uri() + " (column '"
                                                + models.get(m).outputColumns().get(scoreColumns[m]) + "') is not a probability in [0, 1]");
                                    }
                                    scores[m].add(score);
                                }
                            }
                        }
                        firstRow += rows;
                    }
                }
            }
        } finally {
            for (ModelScorer scorer : scorers) {
                if (scorer != null) {
                    scorer.close();
                }
            }
        }
        double[] labelValues = labels.toArray();
        boolean[] labelFlags = new boolean[labelValues.length];
        for (int i = 0; i < labelFlags.length; i++) {
            labelFlags[i] = labelValues[i] == 1;
        }
        Map<String, String[]> slices = new LinkedHashMap<>();
        sliceValues.forEach((column, values) -> slices.put(column, values.toArray(String[]::new)));
        Timing candidateTiming = timing(labelFlags.length, batches[0], inferenceNanos[0], latencies.get(0));
        Timing productionTiming = production == null ? null : timing(labelFlags.length, batches[1], inferenceNanos[1], latencies.get(1));
        return new Scores(labelFlags, scores[0].toArray(), production == null ? null : scores[1].toArray(), slices, rowsRead,
                excluded, List.copyOf(examples), candidateTiming, productionTiming,
                candidate.outputColumns().get(scoreColumns[0]),
                production == null ? null : production.outputColumns().get(scoreColumns[1]),
                files.stream().map(StorageFile::uri).toList());
    }

    private static void checkKinds(String uri, Holdout holdout, List<ColumnInfo> infos, List<String> columns, Set<String> features) {
        if (!infos.get(0).kind().isNumeric()) {
            throw new GateException("Cannot evaluate on " + uri + ": label column '" + holdout.labelColumn() + "' is "
                    + infos.get(0).parquetType() + "; it must be boolean or numeric with values 0 and 1");
        }
        for (int i = 0; i < infos.size(); i++) {
            if (features.contains(columns.get(i)) && !infos.get(i).kind().isNumeric()) {
                throw new GateException("Cannot evaluate on " + uri + ": feature column '" + columns.get(i) + "' is "
                        + infos.get(i).parquetType() + "; features must be boolean or numeric");
            }
        }
    }

    /** 0 or 1; -1 for null; -2 for any other value. */
    private static int labelValue(ColumnVector label, int row) {
        if (label.nulls()[row]) {
            return -1;
        }
        double value = label.kind().usesDoubles() ? label.doubles()[row] : label.longs()[row];
        if (value == 0) {
            return 0;
        }
        return value == 1 ? 1 : -2;
    }

    private static String labelText(ColumnVector label, int row) {
        return label.kind().usesDoubles() ? Double.toString(label.doubles()[row]) : Long.toString(label.longs()[row]);
    }

    private static String sliceText(ColumnVector vector, int row) {
        if (vector.nulls()[row]) {
            return NULL_SLICE;
        }
        if (vector.kind().usesBinaries()) {
            return vector.binaries()[row].toStringUsingUTF8();
        }
        if (vector.kind().usesDoubles()) {
            return Double.toString(vector.doubles()[row]);
        }
        return switch (vector.kind()) {
            case BOOLEAN -> vector.longs()[row] != 0 ? "true" : "false";
            default -> Long.toString(vector.longs()[row]);
        };
    }

    private static Timing timing(long rows, int batches, long nanos, long[] latencies) {
        if (batches == 0) {
            return new Timing(0, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(latencies, batches);
        Arrays.sort(sorted);
        // Nearest rank: the smallest latency at least 99% of batches do not exceed.
        int rank = (int) Math.ceil(0.99 * batches) - 1;
        return new Timing(rows, batches, rows / (nanos / 1e9), sorted[Math.max(0, rank)] / 1e6);
    }

    /** A growable primitive array of doubles. */
    private static final class Growing {
        private double[] values = new double[1024];
        private int size;

        void add(double value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
