package io.nightshift.parquet;

import static io.nightshift.parquet.TestParquetFiles.readRest;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reader's bulk decoding of INT32, INT64, FLOAT and DOUBLE columns, checked against parquet-java's own record
 * reader on files written by parquet-java's own writer in each page layout the bulk path special-cases (PLAIN and
 * dictionary pages, version 1 and 2) and in encodings it leaves to parquet-java's decoders (DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT). Every file has required and optional columns of all four types, nulls, NaN, -0.0 and the
 * types' extremes, several row groups and many pages per row group.
 */
class BulkDecodingTests {

    private static final int ROWS = 6_000;
    private static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT32).named("required_int32")
            .optional(PrimitiveTypeName.INT32).named("optional_int32")
            .required(PrimitiveTypeName.INT64).named("required_int64")
            .optional(PrimitiveTypeName.INT64).named("optional_int64")
            .required(PrimitiveTypeName.FLOAT).named("required_float")
            .optional(PrimitiveTypeName.FLOAT).named("optional_float")
            .required(PrimitiveTypeName.DOUBLE).named("required_double")
            .optional(PrimitiveTypeName.DOUBLE).named("optional_double")
            .named("numbers");
    private static final List<String> COLUMNS = SCHEMA.getFields().stream().map(Type::getName).toList();

    /** How a file is written, and an encoding its data pages must then use (so a test cannot silently test PLAIN). */
    enum Layout {
        PLAIN_V1(WriterVersion.PARQUET_1_0, false, false, Encoding.PLAIN),
        DICTIONARY_V1(WriterVersion.PARQUET_1_0, true, false, Encoding.PLAIN_DICTIONARY),
        PLAIN_V2(WriterVersion.PARQUET_2_0, false, false, Encoding.PLAIN),
        DICTIONARY_V2(WriterVersion.PARQUET_2_0, true, false, Encoding.RLE_DICTIONARY),
        /** Version 2 without dictionaries writes integers as DELTA_BINARY_PACKED: parquet-java decodes those. */
        DELTA_FALLBACK_V2(WriterVersion.PARQUET_2_0, false, false, Encoding.DELTA_BINARY_PACKED),
        BYTE_STREAM_SPLIT_FALLBACK(WriterVersion.PARQUET_1_0, false, true, Encoding.BYTE_STREAM_SPLIT);

        final WriterVersion version;
        final boolean dictionary;
        final boolean byteStreamSplit;
        final Encoding expectedEncoding;

        Layout(WriterVersion version, boolean dictionary, boolean byteStreamSplit, Encoding expectedEncoding) {
            this.version = version;
            this.dictionary = dictionary;
            this.byteStreamSplit = byteStreamSplit;
            this.expectedEncoding = expectedEncoding;
        }
    }

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();

    @ParameterizedTest
    @EnumSource(Layout.class)
    void readsEveryValueAsParquetJavasRecordReaderDoes(Layout layout) throws IOException {
        // given: a file in this layout, with several row groups of many pages each
        Path file = write(layout);
        assertThat(encodings(file)).as("data page encodings").contains(layout.expectedEncoding);
        assertThat(pagesInFirstRowGroup(file, "optional_double")).as("pages in the first row group").isGreaterThan(3);

        // when: read in batches that end inside pages and across row groups
        List<String> read;
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, file.toUri().toString(), COLUMNS)) {
            assertThat(reader.rowGroupRows().length).as("row groups").isGreaterThan(1);
            read = readRest(reader, 333);
        }

        // then
        assertThat(read).containsExactlyElementsOf(readWithRecordReader(file));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void continuesExactlyFromAPositionInsideAPage(Layout layout) throws IOException {
        // given
        Path file = write(layout);
        List<String> expected = readWithRecordReader(file);
        long[] rowGroupRows;
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, file.toUri().toString(), COLUMNS)) {
            rowGroupRows = reader.rowGroupRows();
        }
        long offset = rowGroupRows[1] / 2 + 7;

        // when: opened where a restarted job would reopen it
        List<String> read;
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, file.toUri().toString(), COLUMNS, 1, offset,
                rowGroupRows.length)) {
            read = readRest(reader, 1000);
        }

        // then
        int first = (int) (rowGroupRows[0] + offset);
        assertThat(read).containsExactlyElementsOf(expected.subList(first, expected.size()));
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"PLAIN_V1", "DICTIONARY_V2"})
    void readsFloatColumnsIntoDoubleVectorsAndIntegersIntoLongVectors(Layout layout) throws IOException {
        // given
        Path file = write(layout);
        List<String> expected = readWithRecordReader(file);

        // when: the FLOAT and INT32 columns are read into vectors of the wider kind, as the reader allows
        ColumnVector[] vectors;
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, file.toUri().toString(),
                List.of("optional_float", "optional_int32"))) {
            vectors = new ColumnVector[] {new ColumnVector(ColumnKind.DOUBLE, 10), new ColumnVector(ColumnKind.INT64, 10)};
            reader.read(vectors, 100);
        }

        // then
        List<String> read = TestParquetFiles.rows(vectors);
        for (int row = 0; row < 100; row++) {
            String[] fields = expected.get(row).split("\\|");
            assertThat(read.get(row)).isEqualTo(fields[5] + "|" + fields[1]);
        }
    }

    private Path write(Layout layout) throws IOException {
        Path file = directory.resolve(layout.name().toLowerCase() + ".parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withType(SCHEMA)
                .withWriterVersion(layout.version)
                .withDictionaryEncoding(layout.dictionary)
                .withByteStreamSplitEncoding(layout.byteStreamSplit)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withPageRowCountLimit(400)
                .withRowGroupRowCountLimit(2_500)
                .build()) {
            for (int row = 0; row < ROWS; row++) {
                writer.write(row(groups, row, layout.dictionary));
            }
        }
        return file;
    }

    /** Row i; with {@code fewDistinct} values repeat (so dictionaries hold), else nearly all differ. */
    private static Group row(SimpleGroupFactory groups, int row, boolean fewDistinct) {
        int key = fewDistinct ? row % 37 : row;
        Group group = groups.newGroup();
        group.append("required_int32", special(row, key * 7919 - 100_000, Integer.MIN_VALUE, Integer.MAX_VALUE));
        if (row % 7 != 0) {
            group.append("optional_int32", -key);
        }
        group.append("required_int64", special(row, key * 1_000_000_007L, Long.MIN_VALUE, Long.MAX_VALUE));
        if (row % 5 != 1) {
            group.append("optional_int64", (long) key << 33);
        }
        group.append("required_float", special(row, key * 0.37f - 3f, Float.NaN, -0.0f));
        if (row % 3 != 2) {
            group.append("optional_float", special(row, key / 3f, Float.MAX_VALUE, Float.MIN_VALUE));
        }
        group.append("required_double", special(row, key * 1e-3 - 1, Double.NaN, Double.NEGATIVE_INFINITY));
        // A null run longer than a page, so a page of only nulls is read too.
        if (row % 11 != 0 && (row < 1_000 || row >= 1_500)) {
            group.append("optional_double", special(row, Math.sqrt(key), Double.MAX_VALUE, -0.0));
        }
        return group;
    }

    private static int special(int row, int usual, int low, int high) {
        return row % 101 == 50 ? low : row % 103 == 51 ? high : usual;
    }

    private static long special(int row, long usual, long low, long high) {
        return row % 101 == 50 ? low : row % 103 == 51 ? high : usual;
    }

    private static float special(int row, float usual, float first, float second) {
        return row % 101 == 50 ? first : row % 103 == 51 ? second : usual;
    }

    private static double special(int row, double usual, double first, double second) {
        return row % 101 == 50 ? first : row % 103 == 51 ? second : usual;
    }

    /** The oracle: parquet-java's record reader, row by row, formatted as {@link TestParquetFiles#rows} formats vectors. */
    private static List<String> readWithRecordReader(Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                try (PageReadStore rowGroup = pages) {
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(SCHEMA)
                            .getRecordReader(rowGroup, new GroupRecordConverter(SCHEMA));
                    for (long row = 0; row < rowGroup.getRowCount(); row++) {
                        rows.add(format(records.read()));
                    }
                }
            }
        }
        return rows;
    }

    private static String format(Group group) {
        List<String> values = new ArrayList<>();
        for (int field = 0; field < SCHEMA.getFieldCount(); field++) {
            if (group.getFieldRepetitionCount(field) == 0) {
                values.add("null");
                continue;
            }
            values.add(switch (SCHEMA.getType(field).asPrimitiveType().getPrimitiveTypeName()) {
                case INT32 -> Long.toString(group.getInteger(field, 0));
                case INT64 -> Long.toString(group.getLong(field, 0));
                case FLOAT -> Double.toString(group.getFloat(field, 0));
                case DOUBLE -> Double.toString(group.getDouble(field, 0));
                default -> throw new IllegalStateException("not in the schema");
            });
        }
        return String.join("|", values);
    }

    private static Set<Encoding> encodings(Path file) throws IOException {
        Set<Encoding> encodings = EnumSet.noneOf(Encoding.class);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            for (ColumnChunkMetaData chunk : reader.getRowGroups().getFirst().getColumns()) {
                encodings.addAll(chunk.getEncodingStats().getDataEncodings());
            }
        }
        return encodings;
    }

    private static int pagesInFirstRowGroup(Path file, String column) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file));
                PageReadStore rowGroup = reader.readNextRowGroup()) {
            PageReader pages = rowGroup.getPageReader(SCHEMA.getColumnDescription(new String[] {column}));
            int count = 0;
            while (pages.readPage() != null) {
                count++;
            }
            return count;
        }
    }
}
