package io.nightshift.parquet;

import io.nightshift.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/** Parquet files with known contents for the tests of this package. */
final class TestParquetFiles {

    /** Small enough that a few tens of thousands of rows make several row groups. */
    static final WriterOptions SMALL_ROW_GROUPS = new WriterOptions(64 * 1024, 8 * 1024, CompressionCodecName.SNAPPY);

    static final MessageType NUMBERS_SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("id")
            .optional(PrimitiveTypeName.DOUBLE).named("x")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("label")
            .named("numbers");

    private TestParquetFiles() {
    }

    /**
     * Row i: id = i, x = i * 0.5 (null every 7th row), label = "row-" + i % 100 (null every 11th row). Labels repeat,
     * so that column is dictionary-encoded while id and x are plain: reads and skips cover both encodings.
     */
    static void writeNumbers(Storage storage, String uri, int rows, WriterOptions options) throws IOException {
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, uri, NUMBERS_SCHEMA, Map.of(), options)) {
            int batch = 1000;
            for (int start = 0; start < rows; start += batch) {
                int end = Math.min(rows, start + batch);
                writer.write(numbersBatch(start, end - start), end - start);
            }
        }
    }

    /** Rows {@code [start, start + count)} of the numbers file {@link #writeNumbers} describes, as one batch. */
    static ColumnVector[] numbersBatch(int start, int count) {
        ColumnVector ids = new ColumnVector(ColumnKind.INT64, count);
        ColumnVector xs = new ColumnVector(ColumnKind.DOUBLE, count);
        ColumnVector labels = new ColumnVector(ColumnKind.STRING, count);
        for (int i = start; i < start + count; i++) {
            ids.appendLong(i);
            if (i % 7 == 0) {
                xs.appendNull();
            } else {
                xs.appendDouble(i * 0.5);
            }
            if (i % 11 == 0) {
                labels.appendNull();
            } else {
                labels.appendString("row-" + i % 100);
            }
        }
        return new ColumnVector[] {ids, xs, labels};
    }

    /** The rows of a read, one string per row, so whole reads compare with one assertion and show a readable diff. */
    static List<String> rows(ColumnVector[] vectors) {
        List<String> rows = new ArrayList<>(vectors[0].size());
        for (int row = 0; row < vectors[0].size(); row++) {
            StringBuilder line = new StringBuilder();
            for (ColumnVector vector : vectors) {
                if (!line.isEmpty()) {
                    line.append('|');
                }
                line.append(value(vector, row));
            }
            rows.add(line.toString());
        }
        return rows;
    }

    static String value(ColumnVector vector, int row) {
        if (vector.isNull(row)) {
            return "null";
        }
        if (vector.kind().usesLongs()) {
            return Long.toString(vector.getLong(row));
        }
        if (vector.kind().usesDoubles()) {
            return Double.toString(vector.getDouble(row));
        }
        if (vector.kind() == ColumnKind.BINARY) {
            return "0x" + java.util.HexFormat.of().formatHex(vector.getBinary(row).getBytes());
        }
        return vector.getString(row);
    }

    /** Reads everything the reader has left, in batches of {@code batchSize}. */
    static List<String> readRest(ColumnarParquetReader reader, int batchSize) throws IOException {
        List<String> rows = new ArrayList<>();
        ColumnVector[] vectors = reader.newVectors(batchSize);
        while (true) {
            for (ColumnVector vector : vectors) {
                vector.clear();
            }
            if (reader.read(vectors, batchSize) == 0) {
                return rows;
            }
            rows.addAll(rows(vectors));
        }
    }
}
