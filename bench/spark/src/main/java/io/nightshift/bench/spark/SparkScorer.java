package io.nightshift.bench.spark;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What a Java team would write instead of Nightshift: Spark in local mode reads the Parquet files, scores each
 * partition in batches through an ONNX Runtime session (same batch size as Nightshift), and writes Parquet
 * (Snappy). Prints one {@code BENCH_RESULT} line: rows, seconds from the first read to the written output (the
 * SparkSession's start-up is excluded, as Nightshift's start-up is), and GC time.
 *
 * <p>Usage: {@code SparkScorer MODEL INPUT_DIR OUTPUT_DIR ID_COLUMN FEATURE_PREFIX BATCH_SIZE}
 */
public final class SparkScorer {

    /** One session per JVM, shared by the tasks running at once (OrtSession.run is thread-safe). */
    private static volatile OrtSession session;

    private SparkScorer() {
    }

    public static void main(String[] arguments) throws Exception {
        String model = arguments[0];
        String input = arguments[1];
        String output = arguments[2];
        String idColumn = arguments[3];
        String featurePrefix = arguments[4];
        int batchSize = Integer.parseInt(arguments[5]);
        SparkSession spark = SparkSession.builder()
                .appName("nightshift-bench-spark")
                .master("local[*]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.parquet.compression.codec", "snappy")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        int cores = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        Dataset<Row> rows = spark.read().parquet(input);
        List<Column> selected = new ArrayList<>();
        selected.add(functions.col(idColumn));
        int width = 0;
        for (String name : rows.columns()) {
            if (name.startsWith(featurePrefix)) {
                selected.add(functions.col(name));
                width++;
            }
        }
        int features = width;
        StructType outputSchema = new StructType().add(idColumn, DataTypes.LongType, false).add("score", DataTypes.FloatType, false);
        Dataset<Row> scored = rows.select(selected.toArray(new Column[0]))
                .mapPartitions((MapPartitionsFunction<Row, Row>) partition -> score(partition, model, features, batchSize, cores),
                        Encoders.row(outputSchema));
        scored.write().mode("overwrite").parquet(output);
        double seconds = (System.nanoTime() - start) / 1e9;
        long written = spark.read().parquet(output).count();
        long gcMillis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, collector.getCollectionTime());
        }
        System.out.printf("BENCH_RESULT {\"rows\": %d, \"seconds\": %.3f, \"gcMillis\": %d}%n", written, seconds, gcMillis);
        spark.stop();
    }

    private static OrtSession session(String model, int cores) throws OrtException {
        OrtSession current = session;
        if (current == null) {
            synchronized (SparkScorer.class) {
                current = session;
                if (current == null) {
                    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                    // local[*] runs one task per core; each task's call uses one thread, as Nightshift's predictors do.
                    options.setIntraOpNumThreads(1);
                    options.setInterOpNumThreads(1);
                    current = OrtEnvironment.getEnvironment().createSession(model, options);
                    session = current;
                }
            }
        }
        return current;
    }

    private static Iterator<Row> score(Iterator<Row> partition, String model, int width, int batchSize, int cores) throws OrtException {
        OrtSession ortSession = session(model, cores);
        String inputName = ortSession.getInputNames().iterator().next();
        return new Iterator<>() {
            private final float[] features = new float[batchSize * width];
            private final long[] ids = new long[batchSize];
            private float[] scores = new float[0];
            private int count;
            private int next;

            @Override
            public boolean hasNext() {
                if (next < count) {
                    return true;
                }
                if (!partition.hasNext()) {
                    return false;
                }
                fill();
                return count > 0;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int row = next++;
                return RowFactory.create(ids[row], scores[row]);
            }

            private void fill() {
                count = 0;
                next = 0;
                while (count < batchSize && partition.hasNext()) {
                    Row row = partition.next();
                    ids[count] = row.getLong(0);
                    int base = count * width;
                    for (int feature = 0; feature < width; feature++) {
                        features[base + feature] = row.isNullAt(feature + 1) ? Float.NaN : (float) row.getDouble(feature + 1);
                    }
                    count++;
                }
                try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
                        FloatBuffer.wrap(features, 0, count * width), new long[] {count, width});
                        OrtSession.Result result = ortSession.run(Map.of(inputName, tensor))) {
                    FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    if (scores.length < count) {
                        scores = new float[batchSize];
                    }
                    output.get(scores, 0, count);
                } catch (OrtException e) {
                    throw new IllegalStateException("Cannot score a batch of " + count + " rows with " + model, e);
                }
            }
        };
    }
}
