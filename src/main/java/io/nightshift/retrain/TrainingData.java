package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import io.nightshift.NightshiftException.Disposition;
import io.nightshift.parquet.ColumnInfo;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.parquet.ParquetFileInfo;
import io.nightshift.storage.FileChangedException;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import io.nightshift.storage.StorageUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training rows read from Parquet on any {@link Storage} (a file, a directory or a glob, local or S3, listed as
 * scoring lists its input): the chosen feature columns as floats and a 0/1 label, with rows that cannot be trained on
 * left out and counted, and a {@link TrainingDataReference} saying exactly which file versions were read.
 *
 * <p>Every file is checked before any row is read: a missing column, or one that is not a number, is a configuration
 * error naming the file and the column. Each file is read at the version its footer was read at, so a file replaced
 * mid-read fails instead of mixing two versions.
 */
public final class TrainingData {

    private static final Logger log = LoggerFactory.getLogger(TrainingData.class);
    private static final int BATCH_ROWS = 8192;

    private final LabeledRows rows;
    private final TrainingDataReference reference;
    private final SkippedRows skipped;

    private TrainingData(LabeledRows rows, TrainingDataReference reference, SkippedRows skipped) {
        this.rows = rows;
        this.reference = reference;
        this.skipped = skipped;
    }

    /** Reads {@code featureColumns} (in this order) and {@code labelColumn} of every file {@code location} names. */
    public static TrainingData read(Storage storage, String location, List<String> featureColumns, String labelColumn) {
        requireNonNull(featureColumns, "featureColumns is null");
        if (featureColumns.isEmpty()) {
            throw TrainingException.configuration("Cannot train on " + location + ": no feature columns given");
        }
        return read(storage, location, first -> featureColumns, labelColumn);
    }

    /**
     * Reads the columns of the first file whose names start with {@code featurePrefix} (in the file's column order,
     * the label left out) and {@code labelColumn}, from every file {@code location} names.
     */
    public static TrainingData readWithFeaturePrefix(Storage storage, String location, String featurePrefix, String labelColumn) {
        requireNonNull(featurePrefix, "featurePrefix is null");
        return read(storage, location, first -> {
            List<String> names = first.columns().stream().map(ColumnInfo::name)
                    .filter(name -> name.startsWith(featurePrefix) && !name.equals(labelColumn))
                    .toList();
            if (names.isEmpty()) {
                throw TrainingException.configuration("Cannot train on " + first.uri() + ": no column starts with feature prefix '"
                        + featurePrefix + "'; columns are " + columnNames(first));
            }
            return names;
        }, labelColumn);
    }

    private interface FeatureChoice {
        List<String> features(ParquetFileInfo first);
    }

    private static TrainingData read(Storage storage, String location, FeatureChoice choice, String labelColumn) {
        requireNonNull(storage, "storage is null");
        requireNonNull(location, "location is null");
        requireNonNull(labelColumn, "labelColumn is null");
        List<StorageFile> listed;
        try {
            listed = storage.list(location);
        } catch (IOException e) {
            throw new TrainingException(Disposition.RELAUNCHABLE, "Cannot list training data " + location + ": " + e.getMessage(), e);
        }
        if (listed.isEmpty()) {
            throw TrainingException.configuration("No training files match " + location + ". Check the path or glob (directories "
                    + "are listed one level deep; names starting with _ or . are skipped).");
        }
        List<ParquetFileInfo> infos = new ArrayList<>(listed.size());
        for (StorageFile file : listed) {
            infos.add(footer(storage, file));
        }
        List<String> features = choice.features(infos.getFirst());
        checkDistinct(location, features, labelColumn);
        for (ParquetFileInfo info : infos) {
            for (String feature : features) {
                requireNumeric(info, feature, "feature");
            }
            requireNumeric(info, labelColumn, "label");
        }
        Rows rows = new Rows(features.size());
        List<TrainingDataReference.TrainingFile> files = new ArrayList<>(infos.size());
        for (ParquetFileInfo info : infos) {
            readFile(storage, info, features, labelColumn, rows);
            files.add(new TrainingDataReference.TrainingFile(info.uri(), info.version(), info.footerChecksum(), info.rowCount()));
        }
        TrainingDataReference reference = TrainingDataReference.of(storage.normalize(location), files);
        SkippedRows skipped = new SkippedRows(rows.missingFeature, rows.missingLabel, rows.invalidLabel);
        if (rows.count == 0) {
            throw TrainingException.configuration("Cannot train on " + location + ": none of its " + reference.rows() + " rows in "
                    + files.size() + " file(s) is usable (" + describe(skipped) + ")");
        }
        log.info("Read {} training rows of {} features from {} file(s) at {}; skipped {} ({})", rows.count, features.size(),
                files.size(), location, skipped.total(), describe(skipped));
        return new TrainingData(rows.toLabeledRows(features), reference, skipped);
    }

    /** The usable rows, in file order (files sorted by URI). */
    public LabeledRows rows() {
        return rows;
    }

    public TrainingDataReference reference() {
        return reference;
    }

    public SkippedRows skipped() {
        return skipped;
    }

    /** Disjoint training and validation rows, each in file order. */
    public record Split(LabeledRows train, LabeledRows validation) {
        public Split {
            requireNonNull(train, "train is null");
            requireNonNull(validation, "validation is null");
        }
    }

    /**
     * Splits the rows into training and validation, stratified by label: of each class's rows, a seeded random
     * {@code round(validationFraction × count)} go to validation, so both sides keep the base rate even when positives
     * are rare. The same rows, fraction and seed always give the same split.
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be between 0 and 1 (exclusive), got " + validationFraction);
        }
        int[] labels = rows.labels();
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] validation = new boolean[labels.length];
        int validationRows = 0;
        for (int label = 0; label <= 1; label++) {
            int[] indexes = indexesOf(labels, label);
            for (int index = indexes.length - 1; index > 0; index--) {
                int other = random.nextInt(index + 1);
                int swap = indexes[index];
                indexes[index] = indexes[other];
                indexes[other] = swap;
            }
            int take = (int) Math.round(indexes.length * validationFraction);
            for (int position = 0; position < take; position++) {
                validation[indexes[position]] = true;
            }
            validationRows += take;
        }
        if (validationRows == 0 || validationRows == labels.length) {
            throw TrainingException.configuration("Cannot split " + labels.length + " training rows of " + reference.uri()
                    + " with validation fraction " + validationFraction + ": one side would be empty. Give more rows.");
        }
        int[] validationIndexes = new int[validationRows];
        int[] trainIndexes = new int[labels.length - validationRows];
        int nextValidation = 0;
        int nextTrain = 0;
        for (int row = 0; row < labels.length; row++) {
            if (validation[row]) {
                validationIndexes[nextValidation++] = row;
            } else {
                trainIndexes[nextTrain++] = row;
            }
        }
        return new Split(rows.select(trainIndexes), rows.select(validationIndexes));
    }

    private static int[] indexesOf(int[] labels, int label) {
        int count = 0;
        for (int value : labels) {
            count += value == label ? 1 : 0;
        }
        int[] indexes = new int[count];
        int next = 0;
        for (int row = 0; row < labels.length; row++) {
            if (labels[row] == label) {
                indexes[next++] = row;
            }
        }
        return indexes;
    }

    private static ParquetFileInfo footer(Storage storage, StorageFile file) {
        try {
            return ParquetFileInfo.read(storage, file.uri());
        } catch (StorageUnavailableException e) {
            throw new TrainingException(Disposition.RELAUNCHABLE, "Cannot read " + file.uri() + ": " + e.getMessage()
                    + ". The store did not answer after retries; try again in a while.", e);
        } catch (IOException e) {
            throw TrainingException.configuration("Cannot train on " + file.uri() + ": " + e.getMessage()
                    + ". Give Parquet files as training data (fix or remove this one).", e);
        }
    }

    private static void checkDistinct(String location, List<String> features, String labelColumn) {
        if (new HashSet<>(features).size() != features.size()) {
            throw TrainingException.configuration("Cannot train on " + location + ": feature columns " + features
                    + " name a column twice");
        }
        if (features.contains(labelColumn)) {
            throw TrainingException.configuration("Cannot train on " + location + ": label column '" + labelColumn
                    + "' is also listed as a feature");
        }
    }

    private static void requireNumeric(ParquetFileInfo info, String column, String role) {
        Optional<ColumnInfo> found = info.column(column);
        if (found.isEmpty()) {
            throw TrainingException.configuration("Cannot train on " + info.uri() + ": " + role + " column '" + column
                    + "' is missing; columns are " + columnNames(info));
        }
        if (!found.get().isNumeric()) {
            throw TrainingException.configuration("Cannot train on " + info.uri() + ": " + role + " column '" + column + "' is "
                    + found.get().parquetType() + ", not a number (boolean, int32, int64, float or double)");
        }
    }

    private static List<String> columnNames(ParquetFileInfo info) {
        return info.columns().stream().map(ColumnInfo::name).toList();
    }

    private static void readFile(Storage storage, ParquetFileInfo info, List<String> features, String labelColumn, Rows rows) {
        List<String> columns = new ArrayList<>(features);
        columns.add(labelColumn);
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, info.uri(), info.version(), columns, 0, 0,
                info.rowGroupRows().size())) {
            ColumnVector[] vectors = reader.newVectors(BATCH_ROWS);
            int width = features.size();
            float[] values = new float[width];
            while (true) {
                for (ColumnVector vector : vectors) {
                    vector.clear();
                }
                int count = reader.read(vectors, BATCH_ROWS);
                if (count == 0) {
                    return;
                }
                ColumnVector label = vectors[width];
                for (int row = 0; row < count; row++) {
                    rows.offer(vectors, label, row, values);
                }
            }
        } catch (StorageUnavailableException | FileChangedException e) {
            throw new TrainingException(Disposition.RELAUNCHABLE, "Cannot read " + info.uri() + ": " + e.getMessage()
                    + ". Try again; a changed file is read at its new version then.", e);
        } catch (IOException e) {
            throw TrainingException.configuration("Cannot train on " + info.uri() + ": " + e.getMessage()
                    + ". Fix or remove the file.", e);
        }
    }

    private static String describe(SkippedRows skipped) {
        return skipped.missingFeature() + " with a null, NaN or infinite feature, " + skipped.missingLabel()
                + " with a null label, " + skipped.invalidLabel() + " with a label neither 0 nor 1";
    }

    /** Growing arrays of accepted rows, and counts of the rest. */
    private static final class Rows {
        private final int width;
        private float[] features;
        private int[] labels;
        private int count;
        private long missingFeature;
        private long missingLabel;
        private long invalidLabel;

        Rows(int width) {
            this.width = width;
            this.features = new float[1024 * width];
            this.labels = new int[1024];
        }

        void offer(ColumnVector[] vectors, ColumnVector labelVector, int row, float[] values) {
            if (labelVector.isNull(row)) {
                missingLabel++;
                return;
            }
            int label;
            if (labelVector.kind().usesLongs()) {
                long value = labelVector.longs()[row];
                label = value == 0 || value == 1 ? (int) value : -1;
            } else {
                double value = labelVector.doubles()[row];
                label = value == 0 ? 0 : value == 1 ? 1 : -1;
            }
            if (label < 0) {
                invalidLabel++;
                return;
            }
            for (int column = 0; column < width; column++) {
                ColumnVector vector = vectors[column];
                if (vector.nulls()[row]) {
                    missingFeature++;
                    return;
                }
                float value = vector.kind().usesLongs() ? (float) vector.longs()[row] : (float) vector.doubles()[row];
                if (!Float.isFinite(value)) {
                    missingFeature++;
                    return;
                }
                values[column] = value;
            }
            add(values, label);
        }

        private void add(float[] values, int label) {
            if (count == labels.length) {
                int capacity = (int) Math.min((long) count * 2, Integer.MAX_VALUE / width);
                if (capacity <= count) {
                    throw TrainingException.configuration("Cannot train on more than " + count + " rows of " + width + " features");
                }
                labels = Arrays.copyOf(labels, capacity);
                features = Arrays.copyOf(features, capacity * width);
            }
            System.arraycopy(values, 0, features, count * width, width);
            labels[count++] = label;
        }

        LabeledRows toLabeledRows(List<String> featureNames) {
            return new LabeledRows(featureNames, Arrays.copyOf(features, count * width), Arrays.copyOf(labels, count));
        }
    }
}
