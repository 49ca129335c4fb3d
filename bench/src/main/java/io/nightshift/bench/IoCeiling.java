package io.nightshift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Case 3, the IO ceiling: the fastest plain parquet-java reading we know of, with no model and no checkpointing. Row
 * groups are read through {@link ParquetFileReader#readRowGroup} and their pages decoded in bulk straight into
 * primitive arrays ({@link PageDecoding}); the id and a "score" (the first feature narrowed to float, so the write
 * does real work) are written with a {@link WriteSupport} writing primitives, Snappy, 64 MiB row groups and 1 MiB
 * pages as Nightshift's defaults. One thread per core, each taking whole row groups (of any file) from a shared
 * queue, so several row groups are in flight and a thread never waits for a file.
 *
 * <p>Usage: {@code IoCeiling INPUT_DIR OUTPUT_DIR THREADS}; prints one {@code BENCH_RESULT} line. Features may be
 * FLOAT or DOUBLE; page checksums are not verified (parquet-java's default).
 */
public final class IoCeiling {

    private static final MessageType OUTPUT = MessageTypeParser.parseMessageType(
            "message scores { required int64 " + BenchData.ID_COLUMN + "; required float " + BenchData.OUTPUT_NAME + "; }");

    /** One unit of work: a row group of a file. */
    private record Task(Path file, int rowGroup) {
    }

    private IoCeiling() {
    }

    public static void main(String[] arguments) throws Exception {
        Path input = Path.of(arguments[0]);
        Path output = Path.of(arguments[1]);
        int threads = Integer.parseInt(arguments[2]);
        Files.createDirectories(output);
        long start = System.nanoTime();
        ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>(plan(input));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> results = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            Path outputFile = output.resolve("scored-" + thread + ".parquet");
            results.add(pool.submit(() -> {
                try (Worker worker = new Worker(outputFile)) {
                    long rows = 0;
                    Task task;
                    while ((task = tasks.poll()) != null) {
                        rows += worker.copy(task);
                    }
                    return rows;
                }
            }));
        }
        long rows = 0;
        for (Future<Long> result : results) {
            rows += result.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("BENCH_RESULT {\"rows\": %d, \"seconds\": %.3f}%n", rows, seconds);
    }

    /** Every row group of every Parquet file in {@code input}, in file order (footers are part of the timed work). */
    private static List<Task> plan(Path input) throws IOException {
        List<Path> files;
        try (var stream = Files.list(input)) {
            files = stream.filter(path -> path.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        List<Task> tasks = new ArrayList<>();
        for (Path file : files) {
            try (ParquetFileReader reader = open(file)) {
                for (int rowGroup = 0; rowGroup < reader.getRowGroups().size(); rowGroup++) {
                    tasks.add(new Task(file, rowGroup));
                }
            }
        }
        return tasks;
    }

    private static ParquetFileReader open(Path file) throws IOException {
        return ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }

    /** One thread's reader (kept open while its tasks stay in one file), column arrays and writer. */
    private static final class Worker implements AutoCloseable {
        private final ParquetWriter<Batch> writer;
        private final Batch batch = new Batch();
        private Path currentFile;
        private ParquetFileReader reader;
        private ColumnDescriptor idColumn;
        private List<ColumnDescriptor> featureColumns;
        private float[][] floatFeatures = new float[0][];
        private double[][] doubleFeatures = new double[0][];

        Worker(Path outputFile) throws IOException {
            writer = new BatchWriterBuilder(new LocalOutputFile(outputFile))
                    .withConf(new PlainParquetConfiguration())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize(64L * 1024 * 1024)
                    .withPageSize(1024 * 1024)
                    .build();
        }

        long copy(Task task) throws IOException {
            if (!task.file().equals(currentFile)) {
                openFile(task.file());
            }
            try (PageReadStore rowGroup = reader.readRowGroup(task.rowGroup())) {
                int rows = Math.toIntExact(rowGroup.getRowCount());
                batch.ensureCapacity(rows);
                PageDecoding.readLongs(rowGroup.getPageReader(idColumn), idColumn, batch.ids, rows);
                for (int feature = 0; feature < featureColumns.size(); feature++) {
                    ColumnDescriptor column = featureColumns.get(feature);
                    if (column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FLOAT) {
                        floatFeatures[feature] = grow(floatFeatures[feature], rows);
                        PageDecoding.readFloats(rowGroup.getPageReader(column), column, floatFeatures[feature], rows);
                    } else {
                        doubleFeatures[feature] = grow(doubleFeatures[feature], rows);
                        PageDecoding.readDoubles(rowGroup.getPageReader(column), column, doubleFeatures[feature], rows);
                    }
                }
                boolean floats = featureColumns.getFirst().getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FLOAT;
                for (int row = 0; row < rows; row++) {
                    batch.scores[row] = floats ? floatFeatures[0][row] : (float) doubleFeatures[0][row];
                }
                for (int row = 0; row < rows; row++) {
                    batch.cursor = row;
                    writer.write(batch);
                }
                return rows;
            } catch (IOException | RuntimeException e) {
                throw new IOException("Cannot copy row group " + task.rowGroup() + " of " + task.file() + ": " + e.getMessage(), e);
            }
        }

        private void openFile(Path file) throws IOException {
            if (reader != null) {
                reader.close();
            }
            reader = open(file);
            currentFile = file;
            MessageType schema = reader.getFileMetaData().getSchema();
            List<Type> fields = new ArrayList<>();
            for (Type field : schema.getFields()) {
                if (field.getName().equals(BenchData.ID_COLUMN) || field.getName().startsWith(BenchData.FEATURE_PREFIX)) {
                    fields.add(field);
                }
            }
            MessageType projection = new MessageType(schema.getName(), fields);
            reader.setRequestedSchema(projection);
            idColumn = projection.getColumnDescription(new String[] {BenchData.ID_COLUMN});
            featureColumns = projection.getColumns().stream().filter(column -> !column.equals(idColumn)).toList();
            if (floatFeatures.length != featureColumns.size()) {
                floatFeatures = new float[featureColumns.size()][0];
                doubleFeatures = new double[featureColumns.size()][0];
            }
        }

        private static float[] grow(float[] array, int size) {
            return array.length >= size ? array : new float[size];
        }

        private static double[] grow(double[] array, int size) {
            return array.length >= size ? array : new double[size];
        }

        @Override
        public void close() throws IOException {
            try (ParquetWriter<Batch> closing = writer) {
                if (reader != null) {
                    reader.close();
                }
            }
        }
    }

    /** A row group's ids and scores in primitive arrays, and the row the writer takes next. */
    private static final class Batch {
        long[] ids = new long[0];
        float[] scores = new float[0];
        int cursor;

        void ensureCapacity(int rows) {
            if (ids.length < rows) {
                ids = new long[rows];
                scores = new float[rows];
            }
        }
    }

    private static final class BatchWriterBuilder extends ParquetWriter.Builder<Batch, BatchWriterBuilder> {
        BatchWriterBuilder(OutputFile file) {
            super(file);
        }

        @Override
        protected BatchWriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Batch> getWriteSupport(Configuration configuration) {
            return new BatchWriteSupport();
        }

        @Override
        protected WriteSupport<Batch> getWriteSupport(ParquetConfiguration configuration) {
            return new BatchWriteSupport();
        }
    }

    private static final class BatchWriteSupport extends WriteSupport<Batch> {
        private RecordConsumer consumer;

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(OUTPUT, new HashMap<>());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(OUTPUT, new HashMap<>());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(Batch batch) {
            // The writer counts one record per write() call (row group row counts come from it): one row per call.
            int row = batch.cursor;
            consumer.startMessage();
            consumer.startField(BenchData.ID_COLUMN, 0);
            consumer.addLong(batch.ids[row]);
            consumer.endField(BenchData.ID_COLUMN, 0);
            consumer.startField(BenchData.OUTPUT_NAME, 1);
            consumer.addFloat(batch.scores[row]);
            consumer.endField(BenchData.OUTPUT_NAME, 1);
            consumer.endMessage();
        }
    }
}
