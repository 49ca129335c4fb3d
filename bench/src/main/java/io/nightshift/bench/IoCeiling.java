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
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
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
import org.apache.parquet.schema.Type;

/**
 * Case 3, the IO ceiling: plain parquet-java (column readers into primitive arrays, a {@link WriteSupport} writing
 * primitives) reads the id and feature columns Nightshift reads and writes the output schema Nightshift writes
 * (id + one required float), Snappy, 64 MiB row groups and 1 MiB pages as Nightshift's defaults, with no model and
 * no checkpointing. One thread per core, each taking whole files.
 *
 * <p>Usage: {@code IoCeiling INPUT_DIR OUTPUT_DIR THREADS}; prints one {@code BENCH_RESULT} line.
 */
public final class IoCeiling {

    private static final int BATCH = 4096;
    private static final MessageType OUTPUT = MessageTypeParser.parseMessageType(
            "message scores { required int64 " + BenchData.ID_COLUMN + "; required float " + BenchData.OUTPUT_NAME + "; }");

    private IoCeiling() {
    }

    public static void main(String[] arguments) throws Exception {
        Path input = Path.of(arguments[0]);
        Path output = Path.of(arguments[1]);
        int threads = Integer.parseInt(arguments[2]);
        Files.createDirectories(output);
        ConcurrentLinkedQueue<Path> files = new ConcurrentLinkedQueue<>();
        try (var stream = Files.list(input)) {
            stream.filter(path -> path.getFileName().toString().endsWith(".parquet")).sorted().forEach(files::add);
        }
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> results = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            results.add(pool.submit(() -> {
                long rows = 0;
                Path file;
                while ((file = files.poll()) != null) {
                    rows += copy(file, output.resolve("scored-" + file.getFileName()));
                }
                return rows;
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

    private static long copy(Path inputFile, Path outputFile) throws IOException {
        PlainParquetConfiguration configuration = new PlainParquetConfiguration();
        long rows = 0;
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(inputFile), ParquetReadOptions.builder(configuration).build());
                ParquetWriter<Batch> writer = new BatchWriterBuilder(new LocalOutputFile(outputFile))
                        .withConf(configuration)
                        .withCompressionCodec(CompressionCodecName.SNAPPY)
                        .withRowGroupSize(64L * 1024 * 1024)
                        .withPageSize(1024 * 1024)
                        .build()) {
            MessageType fileSchema = reader.getFileMetaData().getSchema();
            List<Type> fields = new ArrayList<>();
            for (Type field : fileSchema.getFields()) {
                if (field.getName().equals(BenchData.ID_COLUMN) || field.getName().startsWith(BenchData.FEATURE_PREFIX)) {
                    fields.add(field);
                }
            }
            MessageType projection = new MessageType(fileSchema.getName(), fields);
            reader.setRequestedSchema(projection);
            List<ColumnDescriptor> columns = projection.getColumns();
            int width = columns.size() - 1;
            String createdBy = reader.getFileMetaData().getCreatedBy();
            Batch batch = new Batch(width);
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                try (PageReadStore rowGroup = pages) {
                    ColumnReadStoreImpl store = new ColumnReadStoreImpl(rowGroup, new GroupRecordConverter(projection).getRootConverter(),
                            projection, createdBy);
                    ColumnReader[] readers = new ColumnReader[columns.size()];
                    for (int column = 0; column < readers.length; column++) {
                        readers[column] = store.getColumnReader(columns.get(column));
                    }
                    long remaining = rowGroup.getRowCount();
                    while (remaining > 0) {
                        int count = (int) Math.min(BATCH, remaining);
                        readBatch(readers, columns, batch, count);
                        for (int row = 0; row < count; row++) {
                            batch.cursor = row;
                            writer.write(batch);
                        }
                        remaining -= count;
                        rows += count;
                    }
                } catch (Exception e) {
                    throw new IOException("Cannot copy " + inputFile + ": " + e.getMessage(), e);
                }
            }
        }
        return rows;
    }

    private static void readBatch(ColumnReader[] readers, List<ColumnDescriptor> columns, Batch batch, int count) {
        ColumnReader idReader = readers[0];
        for (int row = 0; row < count; row++) {
            batch.ids[row] = idReader.getLong();
            idReader.consume();
        }
        for (int feature = 0; feature < batch.features.length; feature++) {
            ColumnReader reader = readers[feature + 1];
            int maxDefinition = columns.get(feature + 1).getMaxDefinitionLevel();
            double[] values = batch.features[feature];
            for (int row = 0; row < count; row++) {
                if (reader.getCurrentDefinitionLevel() == maxDefinition) {
                    values[row] = reader.getDouble();
                } else {
                    values[row] = Double.NaN;
                }
                reader.consume();
            }
        }
        // "No model": the output column is the first feature narrowed to float, so the write does real work.
        double[] first = batch.features[0];
        for (int row = 0; row < count; row++) {
            batch.scores[row] = (float) first[row];
        }
        batch.rows = count;
    }

    /** One batch of rows in primitive arrays: the unit handed to the writer. */
    private static final class Batch {
        final long[] ids = new long[BATCH];
        final double[][] features;
        final float[] scores = new float[BATCH];
        int rows;
        int cursor;

        Batch(int width) {
            features = new double[width][BATCH];
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
