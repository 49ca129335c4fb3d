package io.nightshift.bench;

import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Case 3's read half on its own: the id and feature columns of every row group into primitive arrays, nothing
 * written, one thread per core over a shared queue of row groups. Mode {@code ceiling} decodes with the IO ceiling's
 * {@link PageDecoding}; mode {@code nightshift} reads through Nightshift's {@link ColumnarParquetReader} (checksums
 * verified, reads through its storage layer, batches of {@link Bench#BATCH_SIZE} rows) as a scoring partition does.
 * The ratio of the two is the reader's efficiency, without the writer and the model in the way.
 *
 * <p>Usage: {@code ReadRate INPUT_DIR THREADS ceiling|nightshift}; prints one {@code BENCH_RESULT} line.
 */
public final class ReadRate {

    private record Task(Path file, int rowGroup) {
    }

    private ReadRate() {
    }

    public static void main(String[] arguments) throws Exception {
        Path input = Path.of(arguments[0]);
        int threads = Integer.parseInt(arguments[1]);
        boolean ceiling = arguments[2].equals("ceiling");
        long start = System.nanoTime();
        List<Task> planned = plan(input);
        ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>(planned);
        List<String> columns;
        try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(planned.getFirst().file()))) {
            columns = footer.getFileMetaData().getSchema().getFields().stream().filter(ReadRate::isRead).map(Type::getName).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> results = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            results.add(pool.submit(() -> {
                long rows = 0;
                double checksum = 0;
                Arrays arrays = new Arrays();
                Task task;
                while ((task = tasks.poll()) != null) {
                    double[] read = ceiling ? readWithPageDecoding(task, arrays) : readWithNightshift(task, columns);
                    rows += (long) read[0];
                    checksum += read[1];
                }
                return new long[] {rows, Double.doubleToLongBits(checksum)};
            }));
        }
        long rows = 0;
        for (Future<long[]> result : results) {
            rows += result.get()[0];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("BENCH_RESULT {\"rows\": %d, \"seconds\": %.3f}%n", rows, seconds);
    }

    private static List<Task> plan(Path input) throws IOException {
        List<Path> files;
        try (var stream = Files.list(input)) {
            files = stream.filter(path -> path.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        List<Task> tasks = new ArrayList<>();
        for (Path file : files) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                for (int rowGroup = 0; rowGroup < reader.getRowGroups().size(); rowGroup++) {
                    tasks.add(new Task(file, rowGroup));
                }
            }
        }
        return tasks;
    }

    /** Rows read and the sum of the first feature (so nothing read can be optimised away). */
    private static double[] readWithPageDecoding(Task task, Arrays arrays) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(task.file()),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            MessageType schema = reader.getFileMetaData().getSchema();
            List<Type> fields = schema.getFields().stream().filter(ReadRate::isRead).toList();
            MessageType projection = new MessageType(schema.getName(), fields);
            reader.setRequestedSchema(projection);
            try (PageReadStore rowGroup = reader.readRowGroup(task.rowGroup())) {
                int rows = Math.toIntExact(rowGroup.getRowCount());
                double sum = 0;
                List<ColumnDescriptor> columns = projection.getColumns();
                arrays.ensure(columns.size(), rows);
                for (int index = 0; index < columns.size(); index++) {
                    ColumnDescriptor column = columns.get(index);
                    switch (column.getPrimitiveType().getPrimitiveTypeName()) {
                        case INT64 -> PageDecoding.readLongs(rowGroup.getPageReader(column), column, arrays.longs, rows);
                        case FLOAT -> {
                            PageDecoding.readFloats(rowGroup.getPageReader(column), column, arrays.floats[index], rows);
                            sum += arrays.floats[index][rows - 1];
                        }
                        default -> {
                            PageDecoding.readDoubles(rowGroup.getPageReader(column), column, arrays.doubles[index], rows);
                            sum += arrays.doubles[index][rows - 1];
                        }
                    }
                }
                return new double[] {rows, sum};
            }
        }
    }

    private static double[] readWithNightshift(Task task, List<String> columns) throws IOException {
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(new LocalStorage(), task.file().toUri().toString(), columns,
                task.rowGroup(), 0, task.rowGroup() + 1)) {
            ColumnVector[] vectors = reader.newVectors(Bench.BATCH_SIZE);
            long rows = 0;
            double sum = 0;
            int count;
            do {
                for (ColumnVector vector : vectors) {
                    vector.clear();
                }
                count = reader.read(vectors, Bench.BATCH_SIZE);
                rows += count;
                sum += count > 0 ? vectors[1].doubles()[count - 1] : 0;
            } while (count > 0);
            return new double[] {rows, sum};
        }
    }

    /** One thread's column arrays for whole row groups, reused as a scorer would reuse them. */
    private static final class Arrays {
        long[] longs = new long[0];
        float[][] floats = new float[0][];
        double[][] doubles = new double[0][];

        void ensure(int columns, int rows) {
            if (longs.length < rows || floats.length < columns) {
                longs = new long[rows];
                floats = new float[columns][rows];
                doubles = new double[columns][rows];
            }
        }
    }

    private static boolean isRead(Type field) {
        return field.getName().equals(BenchData.ID_COLUMN) || field.getName().startsWith(BenchData.FEATURE_PREFIX)
                && field.asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY;
    }
}
