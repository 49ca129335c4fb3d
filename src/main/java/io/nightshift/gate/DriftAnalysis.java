package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.PValueMethod;

/**
 * Feature drift between the data a model was trained on and a recent input: per feature, the PSI at the training
 * data's deciles ({@link PopulationStability}) and the two-sample Kolmogorov–Smirnov statistic and p-value (Apache
 * Commons Statistics). Null and NaN values are left out and counted. Each side reads at most {@link #DEFAULT_MAX_ROWS}
 * rows, the first in file order, to bound memory.
 */
final class DriftAnalysis {

    static final int DEFAULT_MAX_ROWS = 200_000;
    /**
     * Up to this many pairs ({@code n · m}) the KS p-value is exact, beyond it asymptotic. scipy's {@code ks_2samp}
     * switches at 10,000 rows per side; the exact computation is O(n · m), so the gate switches earlier.
     */
    static final long EXACT_P_VALUE_PAIRS = 10_000_000L;

    private final Storage storage;
    private final int maxRows;

    DriftAnalysis(Storage storage, int maxRows) {
        this.storage = requireNonNull(storage, "storage is null");
        this.maxRows = maxRows;
    }

    Report.Drift analyse(String trainingUri, String recentUri, List<String> features) throws IOException {
        Sample training = read(trainingUri, features);
        Sample recent = read(recentUri, features);
        List<Report.FeatureDrift> results = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            results.add(feature(features.get(f), training.values()[f], recent.values()[f]));
        }
        return new Report.Drift(trainingUri, recentUri, training.rows(), recent.rows(), List.copyOf(results));
    }

    /** One array of values per feature (NaN for null), all {@code rows} long. */
    private record Sample(double[][] values, int rows) {
    }

    static Report.FeatureDrift feature(String name, double[] training, double[] recent) {
        double[] reference = present(training);
        double[] actual = present(recent);
        if (reference.length == 0 || actual.length == 0) {
            throw new GateException("Cannot measure drift of feature '" + name + "': it has no values in the "
                    + (reference.length == 0 ? "training data" : "recent input"));
        }
        PopulationStability.Result psi = PopulationStability.index(reference, actual);
        KolmogorovSmirnovTest test = KolmogorovSmirnovTest.withDefaults()
                .with((long) reference.length * actual.length <= EXACT_P_VALUE_PAIRS ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC);
        KolmogorovSmirnovTest.TwoResult ks = test.test(reference, actual);
        return new Report.FeatureDrift(name, psi.psi(), ks.getStatistic(), ks.getPValue(), reference.length, actual.length,
                training.length - reference.length, recent.length - actual.length, psi.edges());
    }

    private static double[] present(double[] values) {
        return Arrays.stream(values).filter(value -> !Double.isNaN(value)).toArray();
    }

    private Sample read(String uri, List<String> features) throws IOException {
        List<StorageFile> files = storage.list(uri);
        if (files.isEmpty()) {
            throw new GateException("Cannot measure feature drift: no files match " + uri);
        }
        double[][] values = new double[features.size()][4096];
        int rows = 0;
        for (StorageFile file : files) {
            if (rows >= maxRows) {
                break;
            }
            try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, file.uri(), features)) {
                for (int f = 0; f < features.size(); f++) {
                    if (!reader.columns().get(f).kind().isNumeric()) {
                        throw new GateException("Cannot measure drift of feature '" + features.get(f) + "' in " + file.uri()
                                + ": it is " + reader.columns().get(f).parquetType() + ", not numeric");
                    }
                }
                ColumnVector[] vectors = reader.newVectors(4096);
                while (rows < maxRows) {
                    for (ColumnVector vector : vectors) {
                        vector.clear();
                    }
                    int count = reader.read(vectors, Math.min(4096, maxRows - rows));
                    if (count == 0) {
                        break;
                    }
                    for (int f = 0; f < features.size(); f++) {
                        if (values[f].length < rows + count) {
                            values[f] = Arrays.copyOf(values[f], Math.max(rows + count, values[f].length * 2));
                        }
                        ColumnVector vector = vectors[f];
                        boolean doubles = vector.kind().usesDoubles();
                        for (int row = 0; row < count; row++) {
                            values[f][rows + row] = vector.nulls()[row] ? Double.NaN
                                    : doubles ? vector.doubles()[row] : vector.longs()[row];
                        }
                    }
                    rows += count;
                }
            }
        }
        for (int f = 0; f < features.size(); f++) {
            values[f] = Arrays.copyOf(values[f], rows);
        }
        return new Sample(values, rows);
    }
}
