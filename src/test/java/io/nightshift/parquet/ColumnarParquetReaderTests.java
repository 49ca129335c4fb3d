package io.nightshift.parquet;

import static io.nightshift.parquet.TestParquetFiles.NUMBERS_SCHEMA;
import static io.nightshift.parquet.TestParquetFiles.SMALL_ROW_GROUPS;
import static io.nightshift.parquet.TestParquetFiles.readRest;
import static io.nightshift.parquet.TestParquetFiles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnarParquetReaderTests {

    private static final int ROWS = 30_000;
    private static final List<String> COLUMNS = List.of("id", "x", "label");

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();
    private String uri;
    private long[] rowGroupRows;
    private List<String> allRows;

    @BeforeEach
    void writeFileWithSeveralRowGroups() throws IOException {
        uri = directory.resolve("numbers.parquet").toUri().toString();
        TestParquetFiles.writeNumbers(storage, uri, ROWS, SMALL_ROW_GROUPS);
        rowGroupRows = ParquetFileInfo.read(storage, uri).rowGroupRows().stream().mapToLong(Long::longValue).toArray();
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, uri, COLUMNS)) {
            allRows = readRest(reader, 1000);
        }
        assertThat(rowGroupRows.length).as("row groups in the test file").isGreaterThanOrEqualTo(4);
        try (ParquetFileReader footerReader = ParquetFileReader.open(new LocalInputFile(Path.of(java.net.URI.create(uri))))) {
            List<ColumnChunkMetaData> chunks = footerReader.getRowGroups().get(0).getColumns();
            assertThat(chunks).extracting(ColumnChunkMetaData::hasDictionaryPage).as("dictionary-encoded: id, x, label")
                    .containsExactly(false, false, true);
        }
    }

    @Test
    void readsEveryRowOfEveryRowGroupInOrder() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            expected.add(i + "|" + (i % 7 == 0 ? "null" : Double.toString(i * 0.5)) + "|" + (i % 11 == 0 ? "null" : "row-" + i % 100));
        }

        assertThat(allRows).isEqualTo(expected);
    }

    @Test
    void roundTripsEveryColumnKindWithNullsNaNAndExtremes() throws IOException {
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveTypeName.BOOLEAN).named("flag")
                .optional(PrimitiveTypeName.INT32).named("small")
                .optional(PrimitiveTypeName.INT64).named("big")
                .optional(PrimitiveTypeName.FLOAT).named("f")
                .optional(PrimitiveTypeName.DOUBLE).named("d")
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("s")
                .optional(PrimitiveTypeName.BINARY).named("raw")
                .named("kinds");
        ColumnVector flags = new ColumnVector(ColumnKind.BOOLEAN, 0);
        ColumnVector smalls = new ColumnVector(ColumnKind.INT32, 0);
        ColumnVector bigs = new ColumnVector(ColumnKind.INT64, 0);
        ColumnVector floats = new ColumnVector(ColumnKind.FLOAT, 0);
        ColumnVector doubles = new ColumnVector(ColumnKind.DOUBLE, 0);
        ColumnVector strings = new ColumnVector(ColumnKind.STRING, 0);
        ColumnVector raws = new ColumnVector(ColumnKind.BINARY, 0);
        flags.appendLong(1);
        flags.appendLong(0);
        flags.appendNull();
        flags.appendLong(1);
        flags.appendLong(0);
        smalls.appendLong(Integer.MIN_VALUE);
        smalls.appendLong(Integer.MAX_VALUE);
        smalls.appendLong(0);
        smalls.appendNull();
        smalls.appendLong(-1);
        bigs.appendLong(Long.MIN_VALUE);
        bigs.appendLong(Long.MAX_VALUE);
        bigs.appendNull();
        bigs.appendLong(0);
        bigs.appendLong(42);
        floats.appendDouble(1.25);
        floats.appendDouble(Float.NaN);
        floats.appendDouble(Double.POSITIVE_INFINITY);
        floats.appendDouble(-0.0);
        floats.appendNull();
        doubles.appendDouble(Double.NaN);
        doubles.appendNull();
        doubles.appendDouble(Double.NEGATIVE_INFINITY);
        doubles.appendDouble(Double.MIN_VALUE);
        doubles.appendDouble(-0.0);
        strings.appendString("");
        strings.appendString("grüße, 日本");
        strings.appendNull();
        strings.appendString("a|b");
        strings.appendString("plain");
        raws.appendBinary(Binary.fromConstantByteArray(new byte[] {0, (byte) 0xFF, 7}));
        raws.appendNull();
        raws.appendBinary(Binary.fromConstantByteArray(new byte[0]));
        raws.appendBinary(Binary.fromConstantByteArray(new byte[] {(byte) 0x80}));
        raws.appendNull();
        ColumnVector[] written = {flags, smalls, bigs, floats, doubles, strings, raws};
        String kindsUri = directory.resolve("kinds.parquet").toUri().toString();
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, kindsUri, schema, Map.of(), WriterOptions.defaults())) {
            writer.write(written, 5);
        }

        List<String> read;
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, kindsUri,
                List.of("flag", "small", "big", "f", "d", "s", "raw"))) {
            read = readRest(reader, 100);
        }

        assertThat(read).containsExactly(
                "1|-2147483648|-9223372036854775808|1.25|NaN|" + "|0x00ff07",
                "0|2147483647|9223372036854775807|NaN|null|grüße, 日本|null",
                "null|0|null|Infinity|-Infinity|null|0x",
                "1|null|0|-0.0|4.9E-324|a|b|0x80",
                "0|-1|42|null|-0.0|plain|null");
    }

    @Test
    void readsOnlyTheRequestedColumnsInTheRequestedOrder() throws IOException {
        ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, List.of("label", "id"), 0, 0, 1);
        ColumnVector[] vectors = reader.newVectors(3);

        reader.read(vectors, 3);
        reader.close();

        assertThat(rows(vectors)).containsExactly("null|0", "row-1|1", "row-2|2");
    }

    @Test
    void readsFilesWrittenByParquetJavasOwnWriterWithDictionariesAndVersion2Pages() throws IOException {
        Path path = directory.resolve("example.parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(NUMBERS_SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(path))
                .withType(NUMBERS_SCHEMA)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(true)
                .withCompressionCodec(CompressionCodecName.GZIP)
                .build()) {
            for (int i = 0; i < 2000; i++) {
                Group group = groups.newGroup().append("id", (long) i);
                if (i % 3 != 0) {
                    group.append("x", (double) (i % 5));
                }
                group.append("label", "label-" + (i % 4));
                writer.write(group);
            }
        }

        List<String> read;
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, path.toUri().toString(), COLUMNS)) {
            read = readRest(reader, 700);
        }

        assertThat(read).hasSize(2000);
        assertThat(read.subList(0, 4)).containsExactly("0|null|label-0", "1|1.0|label-1", "2|2.0|label-2", "3|null|label-3");
        assertThat(read.get(1999)).isEqualTo("1999|4.0|label-3");
    }

    @Test
    void continuesExactlyAfterARestartInsideARowGroup() throws IOException {
        long stop = rowGroupRows[0] + 1234;

        Restarted restarted = readStoppingAfter(List.of(stop));

        assertThat(restarted.positions()).containsExactly(new Position(1, 1234));
        assertThat(restarted.rows()).isEqualTo(allRows);
    }

    @Test
    void continuesExactlyAfterARestartAtARowGroupBoundary() throws IOException {
        long firstBoundary = rowGroupRows[0];
        long secondBoundary = rowGroupRows[0] + rowGroupRows[1];

        Restarted restarted = readStoppingAfter(List.of(firstBoundary, secondBoundary));

        assertThat(restarted.positions()).containsExactly(new Position(1, 0), new Position(2, 0));
        assertThat(restarted.rows()).isEqualTo(allRows);
    }

    @Test
    void continuesExactlyAfterARestartBeforeTheFirstRow() throws IOException {
        Restarted restarted = readStoppingAfter(List.of(0L));

        assertThat(restarted.positions()).containsExactly(new Position(0, 0));
        assertThat(restarted.rows()).isEqualTo(allRows);
    }

    @Test
    void reopeningAtTheEndReadsNothing() throws IOException {
        Position end;
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, 0, 0, rowGroupRows.length)) {
            readRest(reader, 4096);
            end = new Position(reader.rowGroup(), reader.rowOffsetInGroup());
        }

        int rowsAfterReopening;
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, end.rowGroup(),
                end.rowOffsetInGroup(), rowGroupRows.length)) {
            rowsAfterReopening = reader.read(reader.newVectors(10), 10);
        }

        assertThat(end).isEqualTo(new Position(rowGroupRows.length, 0));
        assertThat(rowsAfterReopening).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void continuesExactlyAfterRestartsAtRandomPoints(long seed) throws IOException {
        Random random = new Random(seed);
        TreeSet<Long> stops = new TreeSet<>();
        while (stops.size() < 6) {
            stops.add((long) random.nextInt(ROWS + 1));
        }

        Restarted restarted = readStoppingAfter(List.copyOf(stops));

        assertThat(restarted.rows()).isEqualTo(allRows);
    }

    @Test
    void readsExactlyTheRowsOfASubRangeOfRowGroups() throws IOException {
        int from = (int) (rowGroupRows[0]);
        int to = (int) (rowGroupRows[0] + rowGroupRows[1] + rowGroupRows[2]);

        List<String> read;
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, 1, 0, 3)) {
            read = readRest(reader, 5000);
        }

        assertThat(read).isEqualTo(allRows.subList(from, to));
    }

    @Test
    void oneReadContinuesAcrossRowGroupBoundariesButStopsAtTheEndOfTheRange() throws IOException {
        int requested = (int) (rowGroupRows[0] + rowGroupRows[1] + 10);

        int read;
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, 0, 0, 2)) {
            read = reader.read(reader.newVectors(0), requested);
        }

        assertThat(read).isEqualTo(rowGroupRows[0] + rowGroupRows[1]);
    }

    @Test
    void countsTheRowsItReturned() throws IOException {
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, 0, 100, 1)) {
            readRest(reader, 333);

            assertThat(reader.rowsRead()).isEqualTo(rowGroupRows[0] - 100);
        }
    }

    @Test
    void appendsToVectorsThatAlreadyHoldRows() throws IOException {
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, 0, 0, 1)) {
            ColumnVector[] vectors = reader.newVectors(8);
            reader.read(vectors, 2);

            reader.read(vectors, 2);

            assertThat(rows(vectors)).isEqualTo(allRows.subList(0, 4));
        }
    }

    @Test
    void rejectsAMissingColumnNamingTheFileAndTheColumns() {
        assertThatThrownBy(() -> ColumnarParquetReader.open(storage, uri, List.of("id", "f7"), 0, 0, 1))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessage("Cannot read " + uri + ": column 'f7' not found; columns are [id, x, label]");
    }

    @Test
    void rejectsANestedColumn() throws IOException {
        Path path = directory.resolve("nested.parquet");
        MessageType nested = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).named("id")
                .optionalGroup().required(PrimitiveTypeName.DOUBLE).named("inner").named("point")
                .named("nested");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(path)).withType(nested).build()) {
            Group row = new SimpleGroupFactory(nested).newGroup().append("id", 1L);
            row.addGroup("point").append("inner", 2.0);
            writer.write(row);
        }

        assertThatThrownBy(() -> ColumnarParquetReader.openAll(storage, path.toUri().toString(), List.of("id", "point")))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessageContaining(path.toUri().toString())
                .hasMessageContaining("column 'point' has type 'optional group', which is not supported");
    }

    @Test
    void rejectsAStartOffsetBeyondTheFirstRowGroup() {
        assertThatThrownBy(() -> ColumnarParquetReader.open(storage, uri, COLUMNS, 0, rowGroupRows[0] + 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(uri)
                .hasMessageContaining("row offset " + (rowGroupRows[0] + 1));
    }

    @Test
    void rejectsARangeBeyondTheFilesRowGroups() {
        assertThatThrownBy(() -> ColumnarParquetReader.open(storage, uri, COLUMNS, 0, 0, rowGroupRows.length + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not within the file's " + rowGroupRows.length + " row groups");
    }

    @Test
    void rejectsAVectorOfTheWrongKind() throws IOException {
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, uri, COLUMNS)) {
            ColumnVector[] vectors = {new ColumnVector(ColumnKind.DOUBLE, 1), new ColumnVector(ColumnKind.DOUBLE, 1),
                    new ColumnVector(ColumnKind.STRING, 1)};

            assertThatThrownBy(() -> reader.read(vectors, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Column 'id' is INT64 but its vector is DOUBLE");
        }
    }

    @Test
    void reportsCorruptPageDataNamingTheFileAndRowGroup() throws IOException {
        Path path = Path.of(java.net.URI.create(uri));
        ColumnChunkMetaData chunk;
        try (ParquetFileReader footerReader = ParquetFileReader.open(new LocalInputFile(path))) {
            chunk = footerReader.getRowGroups().get(1).getColumns().get(1);
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            byte[] garbage = new byte[16];
            Arrays.fill(garbage, (byte) 0x5A);
            file.seek(chunk.getStartingPos() + chunk.getTotalSize() - garbage.length);
            file.write(garbage);
        }

        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, uri, COLUMNS)) {
            assertThatThrownBy(() -> readRest(reader, 1000))
                    .isInstanceOf(ParquetFormatException.class)
                    .hasMessageStartingWith("Cannot read " + uri + ": corrupt data in row group 1");
        }
    }

    /**
     * Reads the whole file in batches of at most 1000 rows, stopping after each of {@code stopsAfterRows} rows:
     * remembers the position, closes, and reopens there, as a restarted job would.
     */
    private Restarted readStoppingAfter(List<Long> stopsAfterRows) throws IOException {
        List<String> rows = new ArrayList<>();
        List<Position> positions = new ArrayList<>();
        Position position = new Position(0, 0);
        long rowsSoFar = 0;
        for (long stop : stopsAfterRows) {
            try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, position.rowGroup(),
                    position.rowOffsetInGroup(), rowGroupRows.length)) {
                ColumnVector[] vectors = reader.newVectors(1000);
                while (rowsSoFar < stop) {
                    for (ColumnVector vector : vectors) {
                        vector.clear();
                    }
                    int read = reader.read(vectors, (int) Math.min(1000, stop - rowsSoFar));
                    rows.addAll(rows(vectors));
                    rowsSoFar += read;
                }
                position = new Position(reader.rowGroup(), reader.rowOffsetInGroup());
                positions.add(position);
            }
        }
        try (ColumnarParquetReader reader = ColumnarParquetReader.open(storage, uri, COLUMNS, position.rowGroup(),
                position.rowOffsetInGroup(), rowGroupRows.length)) {
            rows.addAll(readRest(reader, 1000));
        }
        return new Restarted(rows, positions);
    }

    private record Position(int rowGroup, long rowOffsetInGroup) {
    }

    private record Restarted(List<String> rows, List<Position> positions) {
    }
}
