package io.nightshift.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Generates a deterministic, churn-like table as Parquet files, so demos, tests and benchmarks have realistic input
 * without shipping data: same {@link Spec}, byte-identical files.
 *
 * <p>Columns, in order: {@value #ID_COLUMN} (required INT64, unique across files), the feature columns (optional
 * DOUBLE, or FLOAT with {@link Spec#withFloatFeatures()}), {@value #REGION_COLUMN} (optional UTF-8 string, about 1 % null: a pass-through column) and
 * {@value #LABEL_COLUMN} (required INT32, 0 or 1). Each row draws one standard-normal latent value per feature; the
 * label comes from a fixed hidden logistic model over those latents, so a model trained on the features scores
 * well above chance. Named features are monotone, rounded transforms of their latents with plausible ranges; anonymous
 * features ({@code f00}, {@code f01}…) are the latents themselves.
 *
 * <p>{@link Spec#badRowsPerFile()} rows per file, at fixed positions, have one feature that is null, NaN or +Infinity,
 * so the scoring path's handling of bad input can be tested.
 */
public final class SyntheticData {

    public static final String ID_COLUMN = "customer_id";
    public static final String REGION_COLUMN = "region";
    public static final String LABEL_COLUMN = "churned";
    public static final List<String> NAMED_FEATURES = List.of("tenure_months", "monthly_charges", "total_charges",
            "support_calls", "late_payments", "data_usage_gb", "contract_months_left", "num_products", "age",
            "days_since_last_login", "discount_pct", "satisfaction_score");
    /** Most anonymous features: beyond this the table stops being a useful stand-in for a scoring input. */
    public static final int MAX_ANONYMOUS_FEATURES = 1_000;

    // Hidden model over the latents of NAMED_FEATURES, signs as a churn analyst would expect: long tenure, long
    // contracts and satisfied customers stay; support calls, late payments and absence predict leaving.
    private static final double[] NAMED_COEFFICIENTS = {-0.9, 0.5, 0.0, 0.6, 0.7, -0.2, -0.8, -0.4, -0.15, 0.5, -0.2, -0.9};
    private static final double NAMED_INTERCEPT = -1.3;
    private static final double ANONYMOUS_INTERCEPT = -1.0;
    private static final List<Binary> REGIONS = List.of("north", "south", "east", "west", "central").stream()
            .map(Binary::fromString).toList();

    private SyntheticData() {
    }

    /**
     * What to generate.
     *
     * @param rowGroupRows most rows per row group (exact: row groups are cut at this count)
     * @param rowGroupBytes the Parquet writer's row-group size target in bytes; whichever limit is hit first cuts
     * @param features number of feature columns; at most {@code NAMED_FEATURES.size()} when {@code namedColumns}
     * @param badRowsPerFile rows per file with one null, NaN or +Infinity feature
     * @param namedColumns realistic churn column names and distributions instead of {@code f00}… ~ N(0, 1)
     * @param floatFeatures FLOAT feature columns (the values narrowed) instead of DOUBLE: how feature stores often
     *     export, and half the bytes to read
     */
    public record Spec(int files, long rowsPerFile, int rowGroupRows, long rowGroupBytes, int features, long seed,
            int badRowsPerFile, boolean namedColumns, boolean floatFeatures) {

        public static final int DEFAULT_ROW_GROUP_ROWS = Integer.MAX_VALUE;
        public static final long DEFAULT_ROW_GROUP_BYTES = ParquetWriter.DEFAULT_BLOCK_SIZE;
        // Keeps ids (file × rowsPerFile + row) and bad-row positions ((2k + 1) × rowsPerFile) far from overflow.
        private static final long MAX_TOTAL_ROWS = 1L << 40;

        /** DOUBLE feature columns. */
        public Spec(int files, long rowsPerFile, int rowGroupRows, long rowGroupBytes, int features, long seed,
                int badRowsPerFile, boolean namedColumns) {
            this(files, rowsPerFile, rowGroupRows, rowGroupBytes, features, seed, badRowsPerFile, namedColumns, false);
        }

        public Spec {
            if (files < 1) {
                throw new IllegalArgumentException("files must be at least 1, got " + files);
            }
            if (rowsPerFile < 1) {
                throw new IllegalArgumentException("rowsPerFile must be at least 1, got " + rowsPerFile);
            }
            if (rowsPerFile > MAX_TOTAL_ROWS / files) {
                throw new IllegalArgumentException("files × rowsPerFile must not exceed " + MAX_TOTAL_ROWS + ", got "
                        + files + " × " + rowsPerFile);
            }
            if (rowGroupRows < 1) {
                throw new IllegalArgumentException("rowGroupRows must be at least 1, got " + rowGroupRows);
            }
            if (rowGroupBytes < 1) {
                throw new IllegalArgumentException("rowGroupBytes must be at least 1, got " + rowGroupBytes);
            }
            int maxFeatures = namedColumns ? NAMED_FEATURES.size() : MAX_ANONYMOUS_FEATURES;
            if (features < 1 || features > maxFeatures) {
                throw new IllegalArgumentException("features must be between 1 and " + maxFeatures
                        + (namedColumns ? " with named columns" : "") + ", got " + features);
            }
            if (badRowsPerFile < 0 || badRowsPerFile > rowsPerFile) {
                throw new IllegalArgumentException("badRowsPerFile must be between 0 and rowsPerFile (" + rowsPerFile
                        + "), got " + badRowsPerFile);
            }
        }

        /** The 12 named churn features, default row-group limits, no bad rows. */
        public static Spec named(int files, long rowsPerFile, long seed) {
            return new Spec(files, rowsPerFile, DEFAULT_ROW_GROUP_ROWS, DEFAULT_ROW_GROUP_BYTES, NAMED_FEATURES.size(),
                    seed, 0, true);
        }

        /** {@code features} anonymous N(0, 1) features, default row-group limits, no bad rows. */
        public static Spec anonymous(int files, long rowsPerFile, int features, long seed) {
            return new Spec(files, rowsPerFile, DEFAULT_ROW_GROUP_ROWS, DEFAULT_ROW_GROUP_BYTES, features, seed, 0, false);
        }

        public Spec withRowGroupRows(int rows) {
            return new Spec(files, rowsPerFile, rows, rowGroupBytes, features, seed, badRowsPerFile, namedColumns, floatFeatures);
        }

        public Spec withRowGroupBytes(long bytes) {
            return new Spec(files, rowsPerFile, rowGroupRows, bytes, features, seed, badRowsPerFile, namedColumns, floatFeatures);
        }

        public Spec withBadRowsPerFile(int rows) {
            return new Spec(files, rowsPerFile, rowGroupRows, rowGroupBytes, features, seed, rows, namedColumns, floatFeatures);
        }

        public Spec withFloatFeatures() {
            return new Spec(files, rowsPerFile, rowGroupRows, rowGroupBytes, features, seed, badRowsPerFile, namedColumns, true);
        }

        /** Feature column names in file order. */
        public List<String> featureColumns() {
            if (namedColumns) {
                return NAMED_FEATURES.subList(0, features);
            }
            int digits = Math.max(2, String.valueOf(features - 1).length());
            List<String> names = new ArrayList<>(features);
            for (int column = 0; column < features; column++) {
                // zero-padded so that sorting by name keeps column order
                names.add("f" + "0".repeat(digits - String.valueOf(column).length()) + column);
            }
            return List.copyOf(names);
        }

        /** The Parquet schema of every file. */
        public MessageType schema() {
            Types.MessageTypeBuilder builder = Types.buildMessage();
            builder.required(PrimitiveTypeName.INT64).named(ID_COLUMN);
            for (String feature : featureColumns()) {
                builder.optional(floatFeatures ? PrimitiveTypeName.FLOAT : PrimitiveTypeName.DOUBLE).named(feature);
            }
            builder.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(REGION_COLUMN);
            builder.required(PrimitiveTypeName.INT32).named(LABEL_COLUMN);
            return builder.named("churn");
        }
    }

    /**
     * Rows read for training.
     *
     * <p>The arrays are handed over, not copied: a training set can be hundreds of megabytes.
     *
     * @param rowMajorFeatures {@code rows × featureColumns.size()} values, row after row
     * @param skippedRows rows left out because a feature or the label was null, NaN or infinite
     */
    public record Dataset(float[] rowMajorFeatures, int[] labels, List<String> featureColumns, long skippedRows) {

        public Dataset {
            requireNonNull(rowMajorFeatures, "rowMajorFeatures is null");
            requireNonNull(labels, "labels is null");
            featureColumns = List.copyOf(requireNonNull(featureColumns, "featureColumns is null"));
            if (featureColumns.isEmpty()) {
                throw new IllegalArgumentException("featureColumns must not be empty");
            }
            if ((long) labels.length * featureColumns.size() != rowMajorFeatures.length) {
                throw new IllegalArgumentException(labels.length + " rows of " + featureColumns.size() + " features need "
                        + (long) labels.length * featureColumns.size() + " values, got " + rowMajorFeatures.length);
            }
            if (skippedRows < 0) {
                throw new IllegalArgumentException("skippedRows must not be negative, got " + skippedRows);
            }
        }

        public int rows() {
            return labels.length;
        }

        public int width() {
            return featureColumns.size();
        }
    }

    /**
     * Writes {@code spec.files()} files named {@code part-00000.parquet}… into {@code directory} (created if missing).
     * Files are created, never overwritten: an existing file with the same name fails the call.
     */
    public static List<Path> write(Spec spec, Path directory) throws IOException {
        requireNonNull(spec, "spec is null");
        requireNonNull(directory, "directory is null");
        Files.createDirectories(directory);
        List<Path> paths = new ArrayList<>(spec.files());
        for (int file = 0; file < spec.files(); file++) {
            Path path = directory.resolve("part-%05d.parquet".formatted(file));
            writeFile(spec, file, path);
            paths.add(path);
        }
        return List.copyOf(paths);
    }

    /**
     * Reads feature and label columns of the given files for training, leaving out rows whose features or label
     * are null, NaN or infinite. Feature columns may be DOUBLE, FLOAT, INT32 or INT64; the label INT32, INT64 or
     * BOOLEAN with values 0 and 1.
     */
    public static Dataset readForTraining(List<Path> files, List<String> featureColumns, String labelColumn)
            throws IOException {
        requireNonNull(files, "files is null");
        requireNonNull(featureColumns, "featureColumns is null");
        requireNonNull(labelColumn, "labelColumn is null");
        if (featureColumns.isEmpty()) {
            throw new IllegalArgumentException("featureColumns must not be empty");
        }
        if (new HashSet<>(featureColumns).size() != featureColumns.size() || featureColumns.contains(labelColumn)) {
            throw new IllegalArgumentException("Feature and label columns must be distinct, got " + featureColumns
                    + " and " + labelColumn);
        }
        int width = featureColumns.size();
        TrainingRows rows = new TrainingRows(width);
        for (Path file : files) {
            readFile(file, featureColumns, labelColumn, rows);
        }
        return rows.toDataset(featureColumns);
    }

    private static void readFile(Path file, List<String> featureColumns, String labelColumn, TrainingRows rows)
            throws IOException {
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            for (String column : featureColumns) {
                requireNumeric(file, fileSchema, column, "feature",
                        List.of(PrimitiveTypeName.DOUBLE, PrimitiveTypeName.FLOAT, PrimitiveTypeName.INT32, PrimitiveTypeName.INT64));
            }
            requireNumeric(file, fileSchema, labelColumn, "label",
                    List.of(PrimitiveTypeName.INT32, PrimitiveTypeName.INT64, PrimitiveTypeName.BOOLEAN));
            // Projection in file order: only the wanted columns are decompressed.
            List<Type> wanted = fileSchema.getFields().stream()
                    .filter(field -> featureColumns.contains(field.getName()) || field.getName().equals(labelColumn))
                    .toList();
            MessageType projection = new MessageType(fileSchema.getName(), wanted);
            reader.setRequestedSchema(projection);
            PrimitiveTypeName[] featureTypes = new PrimitiveTypeName[featureColumns.size()];
            for (int column = 0; column < featureTypes.length; column++) {
                featureTypes[column] = fileSchema.getType(featureColumns.get(column)).asPrimitiveType().getPrimitiveTypeName();
            }
            PrimitiveTypeName labelType = fileSchema.getType(labelColumn).asPrimitiveType().getPrimitiveTypeName();
            float[] values = new float[featureColumns.size()];
            long rowInFile = 0;
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                // Closed explicitly: readNextRowGroup does not release the previous row group (parquet-java#3487).
                try (PageReadStore rowGroup = pages) {
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection, fileSchema)
                            .getRecordReader(rowGroup, new GroupRecordConverter(projection));
                    for (long index = 0; index < rowGroup.getRowCount(); index++, rowInFile++) {
                        Group record = records.read();
                        boolean usable = record.getFieldRepetitionCount(labelColumn) > 0;
                        for (int column = 0; column < values.length && usable; column++) {
                            String name = featureColumns.get(column);
                            if (record.getFieldRepetitionCount(name) == 0) {
                                usable = false;
                            } else {
                                values[column] = featureValue(record, name, featureTypes[column]);
                                usable = Float.isFinite(values[column]);
                            }
                        }
                        if (!usable) {
                            rows.skip();
                            continue;
                        }
                        long label = switch (labelType) {
                            case INT32 -> record.getInteger(labelColumn, 0);
                            case INT64 -> record.getLong(labelColumn, 0);
                            default -> record.getBoolean(labelColumn, 0) ? 1 : 0;
                        };
                        if (label != 0 && label != 1) {
                            throw new IllegalArgumentException("Cannot read " + file + " for training: label column "
                                    + labelColumn + " is " + label + " in row " + rowInFile + ", not 0 or 1");
                        }
                        rows.add(values, (int) label);
                    }
                }
            }
        }
    }

    private static float featureValue(Group record, String name, PrimitiveTypeName type) {
        return switch (type) {
            case DOUBLE -> (float) record.getDouble(name, 0);
            case FLOAT -> record.getFloat(name, 0);
            case INT32 -> record.getInteger(name, 0);
            default -> record.getLong(name, 0);
        };
    }

    private static void requireNumeric(Path file, MessageType schema, String column, String role,
            List<PrimitiveTypeName> accepted) {
        if (!schema.containsField(column)) {
            throw new IllegalArgumentException("Cannot read " + file + " for training: " + role + " column " + column + " missing");
        }
        Type type = schema.getType(column);
        if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)
                || !accepted.contains(type.asPrimitiveType().getPrimitiveTypeName())) {
            throw new IllegalArgumentException("Cannot read " + file + " for training: " + role + " column " + column
                    + " is " + type + ", expected one of " + accepted);
        }
    }

    /** Growing arrays of accepted rows. */
    private static final class TrainingRows {
        private final int width;
        private float[] features;
        private int[] labels;
        private int rows;
        private long skipped;

        TrainingRows(int width) {
            this.width = width;
            this.features = new float[1024 * width];
            this.labels = new int[1024];
        }

        void add(float[] values, int label) {
            if (rows == labels.length) {
                int capacity = (int) Math.min((long) rows * 2, Integer.MAX_VALUE / width);
                if (capacity <= rows) {
                    throw new IllegalStateException("Cannot read more than " + rows + " training rows of " + width + " features");
                }
                labels = Arrays.copyOf(labels, capacity);
                features = Arrays.copyOf(features, capacity * width);
            }
            System.arraycopy(values, 0, features, rows * width, width);
            labels[rows++] = label;
        }

        void skip() {
            skipped++;
        }

        Dataset toDataset(List<String> featureColumns) {
            return new Dataset(Arrays.copyOf(features, rows * width), Arrays.copyOf(labels, rows), featureColumns, skipped);
        }
    }

    private static void writeFile(Spec spec, int fileIndex, Path path) throws IOException {
        MessageType schema = spec.schema();
        RowGenerator generator = new RowGenerator(spec, fileIndex);
        try (ParquetWriter<Row> writer = new RowWriterBuilder(new LocalOutputFile(path), schema)
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(spec.rowGroupBytes())
                .withRowGroupRowCountLimit(spec.rowGroupRows())
                .build()) {
            Row row = new Row(spec.features());
            for (long index = 0; index < spec.rowsPerFile(); index++) {
                generator.next(index, row);
                writer.write(row);
            }
        }
    }

    /** One generated row; reused for every row of a file, as the writer consumes it before returning. */
    private static final class Row {
        long id;
        final double[] values;
        final boolean[] nulls;
        Binary region;
        int label;

        Row(int features) {
            values = new double[features];
            nulls = new boolean[features];
        }
    }

    /** Draws the rows of one file from a random stream seeded by the spec's seed and the file index. */
    private static final class RowGenerator {
        private final Spec spec;
        private final int fileIndex;
        private final SplittableRandom random;
        private final double[] coefficients;
        private final double intercept;
        private final double[] latents;
        private final long[] badRows;
        private int nextBad;

        RowGenerator(Spec spec, int fileIndex) {
            this.spec = spec;
            this.fileIndex = fileIndex;
            // Seeded per file so each file is reproducible on its own (and files could be written in parallel).
            this.random = new SplittableRandom(mix(spec.seed() + 0x9E3779B97F4A7C15L * (fileIndex + 1)));
            this.coefficients = spec.namedColumns()
                    ? Arrays.copyOf(NAMED_COEFFICIENTS, spec.features())
                    : anonymousCoefficients(spec.features());
            this.intercept = spec.namedColumns() ? NAMED_INTERCEPT : ANONYMOUS_INTERCEPT;
            this.latents = new double[spec.features()];
            this.badRows = new long[spec.badRowsPerFile()];
            for (int bad = 0; bad < badRows.length; bad++) {
                // Centred in equal slices of the file: distinct, deterministic, spread over every row group.
                badRows[bad] = (2L * bad + 1) * spec.rowsPerFile() / (2L * badRows.length);
            }
        }

        void next(long index, Row row) {
            row.id = fileIndex * spec.rowsPerFile() + index;
            double logit = intercept;
            for (int column = 0; column < latents.length; column++) {
                latents[column] = random.nextGaussian();
                logit += coefficients[column] * latents[column];
            }
            for (int column = 0; column < latents.length; column++) {
                row.values[column] = spec.namedColumns() ? namedValue(column, row.values) : latents[column];
                row.nulls[column] = false;
            }
            row.label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            row.region = random.nextInt(100) == 0 ? null : REGIONS.get(random.nextInt(REGIONS.size()));
            if (nextBad < badRows.length && badRows[nextBad] == index) {
                spoil(nextBad++, row);
            }
        }

        private void spoil(int bad, Row row) {
            int column = (int) ((bad * 7L + fileIndex * 3L) % latents.length);
            switch ((bad + fileIndex) % 3) {
                case 0 -> row.nulls[column] = true;
                case 1 -> row.values[column] = Double.NaN;
                default -> row.values[column] = Double.POSITIVE_INFINITY;
            }
        }

        // Monotone in the latent (so the hidden model stays learnable from the features), rounded like real data.
        private double namedValue(int column, double[] earlier) {
            double z = latents[column];
            return switch (column) {
                case 0 -> clamp(Math.round(Math.exp(2.9 + 0.8 * z)), 1, 72); // tenure_months
                case 1 -> cents(clamp(70 + 30 * z, 18.25, 118.75)); // monthly_charges
                case 2 -> cents(earlier[0] * earlier[1] * (0.9 + 0.2 * random.nextDouble())); // total_charges
                case 3 -> Math.max(0, Math.round(1.5 + 1.3 * z)); // support_calls
                case 4 -> Math.max(0, Math.round(0.5 + 1.0 * z)); // late_payments
                case 5 -> cents(Math.exp(2.3 + 0.9 * z)); // data_usage_gb
                case 6 -> clamp(Math.round(10 + 7 * z), 0, 24); // contract_months_left
                case 7 -> clamp(Math.round(2.2 + 1.1 * z), 1, 6); // num_products
                case 8 -> clamp(Math.round(44 + 15 * z), 18, 90); // age
                case 9 -> clamp(Math.round(Math.exp(1.5 + 1.1 * z)), 0, 365); // days_since_last_login
                case 10 -> clamp(5 * Math.round((8 + 7 * z) / 5), 0, 40); // discount_pct
                default -> clamp(Math.round(3.4 + 1.0 * z), 1, 5); // satisfaction_score
            };
        }

        // A fixed pattern: alternating signs, shrinking with the index, every fourth feature pure noise.
        private static double[] anonymousCoefficients(int features) {
            double[] coefficients = new double[features];
            for (int column = 0; column < features; column++) {
                coefficients[column] = column % 4 == 3 ? 0 : (column % 2 == 0 ? 1.5 : -1.5) / Math.sqrt(column + 1);
            }
            return coefficients;
        }

        private static double clamp(double value, double low, double high) {
            return Math.max(low, Math.min(high, value));
        }

        private static double cents(double value) {
            return Math.round(value * 100) / 100.0;
        }

        // SplitMix64's finalizer: neighbouring seeds and file indexes give unrelated streams.
        private static long mix(long value) {
            long mixed = (value ^ (value >>> 30)) * 0xBF58476D1CE4E5B9L;
            mixed = (mixed ^ (mixed >>> 27)) * 0x94D049BB133111EBL;
            return mixed ^ (mixed >>> 31);
        }
    }

    private static final class RowWriterBuilder extends ParquetWriter.Builder<Row, RowWriterBuilder> {
        private final MessageType schema;

        RowWriterBuilder(OutputFile file, MessageType schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected RowWriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(Configuration configuration) {
            return new RowWriteSupport(schema);
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(ParquetConfiguration configuration) {
            return new RowWriteSupport(schema);
        }
    }

    /** Writes a {@link Row} straight to the record consumer: several times faster than the example Group API. */
    private static final class RowWriteSupport extends WriteSupport<Row> {
        private final MessageType schema;
        private final String[] featureNames;
        private final boolean floatFeatures;
        private final int regionIndex;
        private final int labelIndex;
        private RecordConsumer consumer;

        RowWriteSupport(MessageType schema) {
            this.schema = schema;
            int features = schema.getFieldCount() - 3;
            this.featureNames = new String[features];
            for (int column = 0; column < features; column++) {
                featureNames[column] = schema.getFieldName(column + 1);
            }
            this.floatFeatures = features > 0
                    && schema.getType(1).asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FLOAT;
            this.regionIndex = features + 1;
            this.labelIndex = features + 2;
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.consumer = recordConsumer;
        }

        @Override
        public void write(Row row) {
            consumer.startMessage();
            consumer.startField(ID_COLUMN, 0);
            consumer.addLong(row.id);
            consumer.endField(ID_COLUMN, 0);
            for (int column = 0; column < featureNames.length; column++) {
                if (!row.nulls[column]) {
                    consumer.startField(featureNames[column], column + 1);
                    if (floatFeatures) {
                        consumer.addFloat((float) row.values[column]);
                    } else {
                        consumer.addDouble(row.values[column]);
                    }
                    consumer.endField(featureNames[column], column + 1);
                }
            }
            if (row.region != null) {
                consumer.startField(REGION_COLUMN, regionIndex);
                consumer.addBinary(row.region);
                consumer.endField(REGION_COLUMN, regionIndex);
            }
            consumer.startField(LABEL_COLUMN, labelIndex);
            consumer.addInteger(row.label);
            consumer.endField(LABEL_COLUMN, labelIndex);
            consumer.endMessage();
        }
    }
}
