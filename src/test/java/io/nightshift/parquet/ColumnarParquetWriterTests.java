package io.nightshift.parquet;

import static io.nightshift.parquet.TestParquetFiles.NUMBERS_SCHEMA;
import static io.nightshift.parquet.TestParquetFiles.SMALL_ROW_GROUPS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnarParquetWriterTests {

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();

    @Test
    void writesKeyValueMetadataIntoTheFooter() throws IOException {
        Path path = directory.resolve("out.parquet");
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA,
                Map.of("nightshift.run", "run-42", "nightshift.model", "churn@7"), WriterOptions.defaults())) {
            writer.write(numbers(0, 10), 10);
        }

        Map<String, String> metadata;
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(path))) {
            metadata = reader.getFileMetaData().getKeyValueMetaData();
        }

        assertThat(metadata).containsEntry("nightshift.run", "run-42").containsEntry("nightshift.model", "churn@7");
    }

    @Test
    void recordsEveryWrittenRowInTheFooterRowCounts() throws IOException {
        Path path = directory.resolve("out.parquet");
        long rowsWritten;
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA,
                Map.of(), SMALL_ROW_GROUPS)) {
            for (int start = 0; start < 25_000; start += 2500) {
                writer.write(numbers(start, 2500), 2500);
            }
            rowsWritten = writer.rowsWritten();
        }

        List<BlockMetaData> rowGroups;
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(path))) {
            rowGroups = reader.getRowGroups();
        }

        assertThat(rowsWritten).isEqualTo(25_000);
        assertThat(rowGroups).hasSizeGreaterThan(1);
        assertThat(rowGroups.stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(25_000);
    }

    @Test
    void writesStandardParquetThatParquetJavasExampleReaderReads() throws IOException {
        Path path = directory.resolve("out.parquet");
        TestParquetFiles.writeNumbers(storage, path.toUri().toString(), 5000, SMALL_ROW_GROUPS);

        List<String> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = exampleReader(new LocalInputFile(path))) {
            for (Group group = reader.read(); group != null; group = reader.read()) {
                rows.add(group.getLong("id", 0) + "|"
                        + (group.getFieldRepetitionCount("x") == 0 ? "null" : Double.toString(group.getDouble("x", 0))) + "|"
                        + (group.getFieldRepetitionCount("label") == 0 ? "null" : group.getString("label", 0)));
            }
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            expected.add(i + "|" + (i % 7 == 0 ? "null" : Double.toString(i * 0.5)) + "|" + (i % 11 == 0 ? "null" : "row-" + i % 100));
        }
        assertThat(rows).isEqualTo(expected);
    }

    @Test
    void writesPageChecksumsStatisticsAndPageIndexesLikeParquetJavasOwnWriter() throws IOException {
        // given: nulls in every optional column, several row groups and many pages, batches of uneven size
        Path path = directory.resolve("out.parquet");
        int rows = 30_000;
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA, Map.of(),
                SMALL_ROW_GROUPS.withPageBytes(4096))) {
            for (int start = 0, size = 1; start < rows; start += size, size = Math.min(rows - start, size * 3 + 1)) {
                writer.write(TestParquetFiles.numbersBatch(start, Math.min(size, rows - start)), Math.min(size, rows - start));
            }
        }

        // when: parquet-java reads it back with page checksum verification on
        org.apache.parquet.ParquetReadOptions options = org.apache.parquet.ParquetReadOptions.builder(new PlainParquetConfiguration())
                .usePageChecksumVerification(true).build();
        long nulls = 0;
        double maxX = Double.NEGATIVE_INFINITY;
        int pageCount = 0;
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(path), options)) {
            List<BlockMetaData> rowGroups = reader.getRowGroups();

            // then: several row groups, every chunk with statistics, a column index and pages near their target size
            assertThat(rowGroups).hasSizeGreaterThan(1);
            for (BlockMetaData rowGroup : rowGroups) {
                for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
                    assertThat(chunk.getStatistics().isEmpty()).as("statistics of %s", chunk.getPath()).isFalse();
                    assertThat(reader.readColumnIndex(chunk)).as("column index of %s", chunk.getPath()).isNotNull();
                    org.apache.parquet.internal.column.columnindex.OffsetIndex pages = reader.readOffsetIndex(chunk);
                    for (int page = 0; page < pages.getPageCount(); page++) {
                        // compressed sizes; the target is 4 KiB uncompressed, met within one slice of rows
                        assertThat(pages.getCompressedPageSize(page)).as("page %d of %s", page, chunk.getPath()).isLessThan(3 * 4096);
                    }
                    pageCount += pages.getPageCount();
                    if (chunk.getPath().toDotString().equals("x")) {
                        nulls += chunk.getStatistics().getNumNulls();
                        maxX = Math.max(maxX, ((Number) chunk.getStatistics().genericGetMax()).doubleValue());
                    }
                }
            }
            // and every page decodes with its checksum verified
            for (org.apache.parquet.column.page.PageReadStore pages = reader.readNextRowGroup(); pages != null;
                    pages = reader.readNextRowGroup()) {
                pages.close();
            }
        }
        assertThat(pageCount).as("pages").isGreaterThan(3 * 10);
        assertThat(nulls).isEqualTo((rows + 6) / 7);
        assertThat(maxX).isEqualTo((rows - 1) * 0.5);
        List<String> read = new ArrayList<>();
        try (ParquetReader<Group> reader = exampleReader(new LocalInputFile(path))) {
            for (Group group = reader.read(); group != null; group = reader.read()) {
                read.add(group.getLong("id", 0) + "|" + (group.getFieldRepetitionCount("x") == 0 ? "null" : group.getDouble("x", 0)));
            }
        }
        assertThat(read).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            assertThat(read.get(i)).isEqualTo(i + "|" + (i % 7 == 0 ? "null" : Double.toString(i * 0.5)));
        }
    }

    @Test
    void narrowsDoublesIntoFloatColumnsAndLongsIntoInt32AndBooleanColumns() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.FLOAT).named("f")
                .required(PrimitiveTypeName.INT32).named("i")
                .required(PrimitiveTypeName.BOOLEAN).named("b")
                .named("narrow");
        ColumnVector floats = new ColumnVector(ColumnKind.DOUBLE, 1);
        floats.appendDouble(0.1);
        ColumnVector ints = new ColumnVector(ColumnKind.INT64, 1);
        ints.appendLong(-7);
        ColumnVector booleans = new ColumnVector(ColumnKind.INT64, 1);
        booleans.appendLong(5);
        Path path = directory.resolve("narrow.parquet");
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), schema, Map.of(),
                WriterOptions.defaults())) {
            writer.write(new ColumnVector[] {floats, ints, booleans}, 1);
        }

        Group row;
        try (ParquetReader<Group> reader = exampleReader(new LocalInputFile(path))) {
            row = reader.read();
        }

        assertThat(row.getFloat("f", 0)).isEqualTo(0.1f);
        assertThat(row.getInteger("i", 0)).isEqualTo(-7);
        assertThat(row.getBoolean("b", 0)).isTrue();
    }

    @Test
    void rejectsANullInARequiredColumnWithoutWritingAnyRowOfTheBatch() throws IOException {
        Path path = directory.resolve("out.parquet");
        ColumnVector[] batch = numbers(0, 5);
        batch[0].setNull(3);
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA,
                Map.of(), WriterOptions.defaults())) {

            assertThatThrownBy(() -> writer.write(batch, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Cannot write " + path.toUri() + ": column 'id' is required but row 3 of the batch is null");
            assertThat(writer.rowsWritten()).isZero();
        }
    }

    @Test
    void staysUsableAfterRejectingABatch() throws IOException {
        Path path = directory.resolve("out.parquet");
        ColumnVector[] bad = numbers(0, 5);
        bad[0].setNull(0);
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA,
                Map.of(), WriterOptions.defaults())) {
            assertThatThrownBy(() -> writer.write(bad, 5)).isInstanceOf(IllegalArgumentException.class);

            writer.write(numbers(0, 5), 5);
        }

        assertThat(ParquetFileInfo.read(storage, path.toUri().toString()).rowCount()).isEqualTo(5);
    }

    @Test
    void rejectsAnInt32ValueThatDoesNotFit() throws IOException {
        MessageType schema = Types.buildMessage().required(PrimitiveTypeName.INT32).named("i").named("narrow");
        ColumnVector ints = new ColumnVector(ColumnKind.INT64, 1);
        ints.appendLong(1L << 40);
        String uri = directory.resolve("out.parquet").toUri().toString();
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, uri, schema, Map.of(), WriterOptions.defaults())) {

            assertThatThrownBy(() -> writer.write(new ColumnVector[] {ints}, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Cannot write " + uri + ": column 'i' is INT32 but row 0 holds 1099511627776");
        }
    }

    @Test
    void rejectsAVectorThatDoesNotMatchItsColumn() throws IOException {
        String uri = directory.resolve("out.parquet").toUri().toString();
        ColumnVector[] batch = numbers(0, 1);
        batch[1] = new ColumnVector(ColumnKind.STRING, 1);
        batch[1].appendString("not a double");
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, uri, NUMBERS_SCHEMA, Map.of(),
                WriterOptions.defaults())) {

            assertThatThrownBy(() -> writer.write(batch, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Cannot write " + uri + ": column 'x' is DOUBLE but its vector holds STRING");
        }
    }

    @Test
    void refusesToOverwriteAnExistingFile() throws IOException {
        Path path = directory.resolve("out.parquet");
        Files.writeString(path, "already here");

        assertThatThrownBy(() -> ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA, Map.of(),
                WriterOptions.defaults()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(path)).isEqualTo("already here");
    }

    @Test
    void rejectsANestedSchemaBeforeCreatingTheFile() {
        MessageType nested = Types.buildMessage()
                .optionalGroup().required(PrimitiveTypeName.DOUBLE).named("inner").named("point")
                .named("nested");
        Path path = directory.resolve("out.parquet");

        assertThatThrownBy(() -> ColumnarParquetWriter.create(storage, path.toUri().toString(), nested, Map.of(),
                WriterOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'point' is 'optional group'");
        assertThat(path).doesNotExist();
    }

    @Test
    void usesDictionariesForRepeatedIntegersAndStringsButNeverForFloatingPointColumns() throws IOException {
        Path path = directory.resolve("out.parquet");
        ColumnVector ids = new ColumnVector(ColumnKind.INT64, 1000);
        ColumnVector xs = new ColumnVector(ColumnKind.DOUBLE, 1000);
        ColumnVector labels = new ColumnVector(ColumnKind.STRING, 1000);
        for (int i = 0; i < 1000; i++) {
            ids.appendLong(i % 3);
            xs.appendDouble(i % 3);
            labels.appendString("label-" + i % 3);
        }
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, path.toUri().toString(), NUMBERS_SCHEMA,
                Map.of(), WriterOptions.defaults())) {
            writer.write(new ColumnVector[] {ids, xs, labels}, 1000);
        }

        List<ColumnChunkMetaData> chunks;
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(path))) {
            chunks = reader.getRowGroups().get(0).getColumns();
        }

        assertThat(chunks.get(0).hasDictionaryPage()).as("id").isTrue();
        assertThat(chunks.get(1).hasDictionaryPage()).as("x").isFalse();
        assertThat(chunks.get(2).hasDictionaryPage()).as("label").isTrue();
    }

    @Test
    void defaultsToSixtyFourMebibyteRowGroupsOneMebibytePagesAndSnappy() {
        WriterOptions defaults = WriterOptions.defaults();

        assertThat(defaults).isEqualTo(new WriterOptions(64L * 1024 * 1024, 1024 * 1024,
                org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY));
    }

    /** A batch of the numbers schema for rows {@code [start, start + count)}, without nulls. */
    private static ColumnVector[] numbers(int start, int count) {
        ColumnVector ids = new ColumnVector(ColumnKind.INT64, count);
        ColumnVector xs = new ColumnVector(ColumnKind.DOUBLE, count);
        ColumnVector labels = new ColumnVector(ColumnKind.STRING, count);
        for (int i = start; i < start + count; i++) {
            ids.appendLong(i);
            xs.appendDouble(i * 0.5);
            labels.appendString("row-" + i);
        }
        return new ColumnVector[] {ids, xs, labels};
    }

    /** parquet-java's own record reader, independent of ours, to prove the files are standard Parquet. */
    private static ParquetReader<Group> exampleReader(InputFile file) throws IOException {
        return new ParquetReader.Builder<Group>(file, new PlainParquetConfiguration()) {
            @Override
            protected ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.build();
    }
}
