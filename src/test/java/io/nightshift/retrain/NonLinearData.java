package io.nightshift.retrain;

import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetWriter;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * A seeded binary-classification table no linear model fits well: 8 features on very different scales, a label drawn
 * from {@code sigmoid(2.5·z0·z1 + 1.5·(z2² + z3² - 2) + 0.7·z4 - 0.5·z5)} over the standardized features (an XOR-like
 * product, a ring and two linear terms; z6 and z7 are noise). Same seed, same rows.
 */
final class NonLinearData {

    static final int WIDTH = 8;
    static final String LABEL = "churned";
    static final List<String> FEATURES = List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7");
    private static final double[] OFFSETS = {40, 0, 1000, -3, 5, 70, 0.5, 12};
    private static final double[] SPREADS = {12, 1, 300, 0.5, 2, 30, 0.1, 4};

    private NonLinearData() {
    }

    static LabeledRows rows(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] features = new float[rows * WIDTH];
        int[] labels = new int[rows];
        double[] z = new double[WIDTH];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < WIDTH; column++) {
                z[column] = random.nextGaussian();
                features[row * WIDTH + column] = (float) (OFFSETS[column] + SPREADS[column] * z[column]);
            }
            double logit = 2.5 * z[0] * z[1] + 1.5 * (z[2] * z[2] + z[3] * z[3] - 2) + 0.7 * z[4] - 0.5 * z[5];
            labels[row] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        }
        return new LabeledRows(FEATURES, features, labels);
    }

    static MessageType schema() {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        builder.required(PrimitiveTypeName.INT64).named("id");
        for (String feature : FEATURES) {
            builder.optional(PrimitiveTypeName.DOUBLE).named(feature);
        }
        builder.optional(PrimitiveTypeName.INT32).named(LABEL);
        return builder.named("training");
    }

    /**
     * Writes {@code rows} as one Parquet file (id, f0…f7 DOUBLE, churned INT32); rows in {@code nullFeatureRows} get a
     * null f3, rows in {@code nullLabelRows} a null label.
     */
    static void write(Storage storage, String uri, LabeledRows rows, Set<Integer> nullFeatureRows, Set<Integer> nullLabelRows)
            throws IOException {
        List<ColumnVector> columns = new ArrayList<>();
        int count = rows.rows();
        ColumnVector ids = new ColumnVector(ColumnKind.INT64, count);
        columns.add(ids);
        List<ColumnVector> features = new ArrayList<>();
        for (int column = 0; column < WIDTH; column++) {
            ColumnVector vector = new ColumnVector(ColumnKind.DOUBLE, count);
            features.add(vector);
            columns.add(vector);
        }
        ColumnVector labels = new ColumnVector(ColumnKind.INT32, count);
        columns.add(labels);
        for (int row = 0; row < count; row++) {
            ids.appendLong(row);
            for (int column = 0; column < WIDTH; column++) {
                if (column == 3 && nullFeatureRows.contains(row)) {
                    features.get(column).appendNull();
                } else {
                    features.get(column).appendDouble(rows.features()[row * WIDTH + column]);
                }
            }
            if (nullLabelRows.contains(row)) {
                labels.appendNull();
            } else {
                labels.appendLong(rows.labels()[row]);
            }
        }
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, uri, schema(), Map.of(), WriterOptions.defaults())) {
            writer.write(columns.toArray(ColumnVector[]::new), count);
        }
    }

    /** Rows {@code [from, from + count)} of {@code rows}. */
    static LabeledRows slice(LabeledRows rows, int from, int count) {
        int[] indexes = new int[count];
        for (int index = 0; index < count; index++) {
            indexes[index] = from + index;
        }
        return rows.select(indexes);
    }
}
