package io.nightshift.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Case 3, the IO ceiling: the fastest plain parquet-java reading we know of, with no model and no checkpointing. Row
 * groups are read through {@link ParquetFileReader#readRowGroup} and their pages decoded in bulk straight into
 * primitive arrays ({@link PageDecoding}); the id and a "score" (the first feature narrowed to float, so the write
 * does real work) are written column by column through parquet-java's own low-level writer ({@code ParquetFileWriter},
 * a {@code ColumnChunkPageWriteStore} and a {@code ColumnWriteStore}, no record path), Snappy, 64 MiB row groups and
 * 1 MiB pages as Nightshift's defaults. One thread per core, each taking whole row groups (of any file) from a shared
 * queue, so several row groups are in flight and a thread never waits for a file.
 *
 * <p>With a model (case 11, the hand pipeline) each row group is scored through a plain ONNX Runtime session before it
 * is written: features packed row-major into a reused direct buffer, 4,096 rows a call, 1 intra-op thread; run on one
 * thread it is the simplest fast pipeline a user could write by hand.
 *
 * <p>Usage: {@code IoCeiling INPUT_DIR OUTPUT_DIR THREADS [MODEL]}; prints one {@code BENCH_RESULT} line. Features may be
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
        Path model = arguments.length > 3 ? Path.of(arguments[3]) : null;
        Files.createDirectories(output);
        OrtSession session = model == null ? null : session(model);
        long start = System.nanoTime();
        ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>(plan(input));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> results = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            Path outputFile = output.resolve("scored-" + thread + ".parquet");
            results.add(pool.submit(() -> {
                try (Worker worker = new Worker(outputFile, session)) {
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
        if (session != null) {
            session.close();
        }
        System.out.printf("BENCH_RESULT {\"rows\": %d, \"seconds\": %.3f}%n", rows, seconds);
    }

    private static OrtSession session(Path model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        return OrtEnvironment.getEnvironment().createSession(model.toString(), options);
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
        private final ColumnStoreWriter writer;
        private final OrtSession session;
        private FloatBuffer input = FloatBuffer.allocate(0);
        private final Batch batch = new Batch();
        private Path currentFile;
        private ParquetFileReader reader;
        private ColumnDescriptor idColumn;
        private List<ColumnDescriptor> featureColumns;
        private float[][] floatFeatures = new float[0][];
        private double[][] doubleFeatures = new double[0][];

        Worker(Path outputFile, OrtSession session) throws IOException {
            writer = new ColumnStoreWriter(outputFile);
            this.session = session;
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
                if (session == null) {
                    for (int row = 0; row < rows; row++) {
                        batch.scores[row] = floats ? floatFeatures[0][row] : (float) doubleFeatures[0][row];
                    }
                } else {
                    score(rows, floats);
                }
                writer.write(batch.ids, batch.scores, rows);
                return rows;
            } catch (IOException | OrtException | RuntimeException e) {
                throw new IOException("Cannot copy row group " + task.rowGroup() + " of " + task.file() + ": " + e.getMessage(), e);
            }
        }

        /** Scores the row group through the session, {@link Bench#BATCH_SIZE} rows a call. */
        private void score(int rows, boolean floats) throws OrtException {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            String inputName = session.getInputNames().iterator().next();
            int width = featureColumns.size();
            for (int from = 0; from < rows; from += Bench.BATCH_SIZE) {
                int count = Math.min(Bench.BATCH_SIZE, rows - from);
                if (input.capacity() < count * width) {
                    input = ByteBuffer.allocateDirect(Bench.BATCH_SIZE * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                }
                input.clear();
                for (int row = from; row < from + count; row++) {
                    for (int feature = 0; feature < width; feature++) {
                        input.put(floats ? floatFeatures[feature][row] : (float) doubleFeatures[feature][row]);
                    }
                }
                input.flip();
                try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, new long[] {count, width});
                        OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
                    ((OnnxTensor) result.get(0)).getFloatBuffer().get(batch.scores, from, count);
                }
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
            try (ColumnStoreWriter closing = writer) {
                if (reader != null) {
                    reader.close();
                }
            }
        }
    }

    /** A row group's ids and scores in primitive arrays. */
    private static final class Batch {
        long[] ids = new long[0];
        float[] scores = new float[0];

        void ensureCapacity(int rows) {
            if (ids.length < rows) {
                ids = new long[rows];
                scores = new float[rows];
            }
        }
    }

    /**
     * parquet-java's low-level write path for the two output columns: values straight into each column's writer, a
     * row group cut at 64 MiB buffered, pages of 1 MiB, Snappy, page checksums and statistics as parquet-java's
     * defaults.
     */
    private static final class ColumnStoreWriter implements AutoCloseable {
        private static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;
        private final ParquetFileWriter file;
        private final ParquetProperties properties = ParquetProperties.builder().withPageSize(1024 * 1024)
                .withDictionaryEncoding(BenchData.OUTPUT_NAME, false).build();
        private final CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1024 * 1024);
        private final BytesInputCompressor compressor = codecs.getCompressor(CompressionCodecName.SNAPPY);
        private ColumnChunkPageWriteStore pages;
        private ColumnWriteStore columns;
        private long rows;

        ColumnStoreWriter(Path path) throws IOException {
            file = new ParquetFileWriter(new LocalOutputFile(path), OUTPUT, ParquetFileWriter.Mode.OVERWRITE, ROW_GROUP_BYTES,
                    ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, properties);
            file.start();
            startRowGroup();
        }

        void write(long[] ids, float[] scores, int count) throws IOException {
            ColumnWriter idWriter = columns.getColumnWriter(OUTPUT.getColumns().get(0));
            ColumnWriter scoreWriter = columns.getColumnWriter(OUTPUT.getColumns().get(1));
            for (int from = 0; from < count; from += 512) {
                int to = Math.min(count, from + 512);
                for (int row = from; row < to; row++) {
                    idWriter.write(ids[row], 0, 0);
                }
                for (int row = from; row < to; row++) {
                    scoreWriter.write(scores[row], 0, 0);
                }
                for (int row = from; row < to; row++) {
                    columns.endRecord();
                }
            }
            rows += count;
            if (columns.getBufferedSize() >= ROW_GROUP_BYTES) {
                flushRowGroup();
                startRowGroup();
            }
        }

        private void startRowGroup() {
            pages = ColumnChunkPageWriteStore.builder().withCompressorProvider(column -> compressor).withSchema(OUTPUT)
                    .withAllocator(properties.getAllocator()).withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
                    .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled()).build();
            columns = properties.newColumnWriteStore(OUTPUT, pages, pages);
        }

        private void flushRowGroup() throws IOException {
            if (rows > 0) {
                file.startBlock(rows);
                columns.flush();
                pages.flushToFileWriter(file);
                file.endBlock();
                rows = 0;
            }
            columns.close();
            pages.close();
        }

        @Override
        public void close() throws IOException {
            flushRowGroup();
            file.end(new HashMap<>());
            codecs.release();
        }
    }
}
