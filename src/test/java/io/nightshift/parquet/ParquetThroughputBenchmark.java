package io.nightshift.parquet;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Measures write and read throughput of an id + 30 DOUBLE columns file (Snappy, default options). Not a test: speed
 * is reported, not asserted. Run with {@code java -cp <test classpath> io.nightshift.parquet.ParquetThroughputBenchmark [rows]}.
 */
public final class ParquetThroughputBenchmark {

    private static final int FEATURES = 30;
    private static final int BATCH = 4096;

    private ParquetThroughputBenchmark() {
    }

    public static void main(String[] arguments) throws Exception {
        int rows = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 1_000_000;
        Storage storage = new LocalStorage();
        Path directory = Files.createTempDirectory("nightshift-parquet-benchmark");
        Types.MessageTypeBuilder builder = Types.buildMessage();
        builder.required(PrimitiveTypeName.INT64).named("id");
        List<String> columns = new ArrayList<>();
        columns.add("id");
        for (int feature = 0; feature < FEATURES; feature++) {
            builder.optional(PrimitiveTypeName.DOUBLE).named("f" + feature);
            columns.add("f" + feature);
        }
        MessageType schema = builder.named("features");
        ColumnVector[] batch = new ColumnVector[FEATURES + 1];
        batch[0] = new ColumnVector(ColumnKind.INT64, BATCH);
        for (int feature = 1; feature <= FEATURES; feature++) {
            batch[feature] = new ColumnVector(ColumnKind.DOUBLE, BATCH);
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < 3; round++) {
            String uri = directory.resolve("part-" + round + ".parquet").toUri().toString();
            long writeStart = System.nanoTime();
            try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, uri, schema, Map.of(), WriterOptions.defaults())) {
                for (int start = 0; start < rows; start += BATCH) {
                    int count = Math.min(BATCH, rows - start);
                    for (ColumnVector vector : batch) {
                        vector.clear();
                    }
                    for (int row = 0; row < count; row++) {
                        batch[0].appendLong(start + row);
                    }
                    for (int feature = 1; feature <= FEATURES; feature++) {
                        for (int row = 0; row < count; row++) {
                            batch[feature].appendDouble(random.nextDouble());
                        }
                    }
                    writer.write(batch, count);
                }
            }
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;

            long readStart = System.nanoTime();
            long read = 0;
            double checksum = 0;
            try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, uri, columns)) {
                ColumnVector[] vectors = reader.newVectors(BATCH);
                while (true) {
                    for (ColumnVector vector : vectors) {
                        vector.clear();
                    }
                    int count = reader.read(vectors, BATCH);
                    if (count == 0) {
                        break;
                    }
                    read += count;
                    checksum += vectors[FEATURES].doubles()[0];
                }
            }
            double readSeconds = (System.nanoTime() - readStart) / 1e9;
            long bytes = Files.size(directory.resolve("part-" + round + ".parquet"));
            System.out.printf("round %d: %,d rows, %,d bytes; write %.2f s = %,.0f rows/s; read %.2f s = %,.0f rows/s"
                            + " (checksum %.3f)%n", round, read, bytes, writeSeconds, rows / writeSeconds, readSeconds,
                    read / readSeconds, checksum);
            Files.delete(directory.resolve("part-" + round + ".parquet"));
        }
        Files.delete(directory);
    }
}
