package io.nightshift.parquet;

import static io.nightshift.parquet.TestParquetFiles.SMALL_ROW_GROUPS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFileInfoTests {

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();

    @Test
    void describesRowGroupsColumnsAndMetadataFromTheFooter() throws IOException {
        String uri = uri("numbers.parquet");
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(storage, uri, TestParquetFiles.NUMBERS_SCHEMA,
                Map.of("nightshift.model", "churn-7"), SMALL_ROW_GROUPS)) {
            ColumnVector ids = new ColumnVector(ColumnKind.INT64, 0);
            ColumnVector xs = new ColumnVector(ColumnKind.DOUBLE, 0);
            ColumnVector labels = new ColumnVector(ColumnKind.STRING, 0);
            for (int i = 0; i < 3; i++) {
                ids.appendLong(i);
                xs.appendDouble(i);
                labels.appendString("a");
            }
            writer.write(new ColumnVector[] {ids, xs, labels}, 3);
        }

        ParquetFileInfo info = ParquetFileInfo.read(storage, uri);

        assertThat(info.uri()).isEqualTo(uri);
        assertThat(info.sizeBytes()).isEqualTo(Files.size(directory.resolve("numbers.parquet")));
        assertThat(info.rowCount()).isEqualTo(3);
        assertThat(info.rowGroupRows()).containsExactly(3L);
        assertThat(info.columns()).containsExactly(
                new ColumnInfo("id", ColumnKind.INT64, false, "required int64"),
                new ColumnInfo("x", ColumnKind.DOUBLE, true, "optional double"),
                new ColumnInfo("label", ColumnKind.STRING, true, "optional binary (STRING)"));
        assertThat(info.keyValueMetadata()).containsEntry("nightshift.model", "churn-7");
    }

    @Test
    void listsTheRowsOfEveryRowGroup() throws IOException {
        String uri = uri("numbers.parquet");
        TestParquetFiles.writeNumbers(storage, uri, 20_000, SMALL_ROW_GROUPS);

        ParquetFileInfo info = ParquetFileInfo.read(storage, uri);

        assertThat(info.rowGroupRows()).hasSizeGreaterThan(1);
        assertThat(info.rowGroupRows().stream().mapToLong(Long::longValue).sum()).isEqualTo(20_000);
        assertThat(info.rowCount()).isEqualTo(20_000);
    }

    @Test
    void classifiesNestedRepeatedAndUnsupportedColumnsAsOther() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MILLIS)).named("at")
                .repeated(PrimitiveTypeName.INT32).named("many")
                .optionalGroup().required(PrimitiveTypeName.DOUBLE).named("inner").named("point")
                .optional(PrimitiveTypeName.INT96).named("legacy")
                .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.decimalType(2, 18)).named("amount")
                .optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16).named("uuid")
                .named("odd");
        Path path = directory.resolve("odd.parquet");
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(path)).withType(schema).build()) {
            writer.write(new org.apache.parquet.example.data.simple.SimpleGroupFactory(schema).newGroup().append("at", 1L));
        }

        ParquetFileInfo info = ParquetFileInfo.read(storage, path.toUri().toString());

        assertThat(info.columns()).extracting(ColumnInfo::name, ColumnInfo::kind, ColumnInfo::parquetType).containsExactly(
                org.assertj.core.groups.Tuple.tuple("at", ColumnKind.INT64, "required int64 (TIMESTAMP(MILLIS,true))"),
                org.assertj.core.groups.Tuple.tuple("many", ColumnKind.OTHER, "repeated int32"),
                org.assertj.core.groups.Tuple.tuple("point", ColumnKind.OTHER, "optional group"),
                org.assertj.core.groups.Tuple.tuple("legacy", ColumnKind.OTHER, "optional int96"),
                org.assertj.core.groups.Tuple.tuple("amount", ColumnKind.OTHER, "optional int64 (DECIMAL(18,2))"),
                org.assertj.core.groups.Tuple.tuple("uuid", ColumnKind.OTHER, "optional fixed_len_byte_array"));
        assertThat(info.columns()).filteredOn(ColumnInfo::isNumeric).extracting(ColumnInfo::name).containsExactly("at");
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        Files.write(directory.resolve("empty.parquet"), new byte[0]);
        String uri = uri("empty.parquet");

        assertThatThrownBy(() -> ParquetFileInfo.read(storage, uri))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessage("Cannot read " + uri + ": file is empty (0 bytes)");
    }

    @Test
    void rejectsRandomBytes() throws IOException {
        byte[] noise = new byte[5000];
        new Random(7).nextBytes(noise);
        Files.write(directory.resolve("noise.parquet"), noise);
        String uri = uri("noise.parquet");

        assertThatThrownBy(() -> ParquetFileInfo.read(storage, uri))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessage("Cannot read " + uri + ": not a Parquet file (bad magic bytes); was it written completely?");
    }

    @Test
    void rejectsAFileTooShortToBeParquet() throws IOException {
        Files.write(directory.resolve("short.parquet"), "PAR1PAR1".getBytes(StandardCharsets.US_ASCII));
        String uri = uri("short.parquet");

        assertThatThrownBy(() -> ParquetFileInfo.read(storage, uri))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessage("Cannot read " + uri + ": not a Parquet file (only 8 bytes); was it written completely?");
    }

    @Test
    void rejectsARealFileTruncatedToHalfItsSize() throws IOException {
        String uri = uri("numbers.parquet");
        TestParquetFiles.writeNumbers(storage, uri, 5000, SMALL_ROW_GROUPS);
        Path path = directory.resolve("numbers.parquet");
        byte[] whole = Files.readAllBytes(path);
        Files.write(path, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> ParquetFileInfo.read(storage, uri))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessageStartingWith("Cannot read " + uri + ": ")
                .hasMessageContaining("was it written completely?");
    }

    @Test
    void rejectsAFooterLengthLongerThanTheFile() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put("PAR1".getBytes(StandardCharsets.US_ASCII));
        bytes.position(92);
        bytes.putInt(1_000_000);
        bytes.put("PAR1".getBytes(StandardCharsets.US_ASCII));
        Files.write(directory.resolve("long-footer.parquet"), bytes.array());
        String uri = uri("long-footer.parquet");

        assertThatThrownBy(() -> ParquetFileInfo.read(storage, uri))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessage("Cannot read " + uri + ": truncated or corrupt footer (footer length 1000000 does not fit"
                        + " in a file of 100 bytes)");
    }

    @Test
    void rejectsAnUnparseableFooter() throws IOException {
        String uri = uri("numbers.parquet");
        TestParquetFiles.writeNumbers(storage, uri, 100, SMALL_ROW_GROUPS);
        Path path = directory.resolve("numbers.parquet");
        byte[] bytes = Files.readAllBytes(path);
        int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        Arrays.fill(bytes, bytes.length - 8 - footerLength, bytes.length - 8, (byte) 0);
        Files.write(path, bytes);

        assertThatThrownBy(() -> ParquetFileInfo.read(storage, uri))
                .isInstanceOf(ParquetFormatException.class)
                .hasMessageStartingWith("Cannot read " + uri + ": truncated or corrupt footer (");
    }

    @Test
    void keepsMetadataAndColumnsImmutable() {
        ParquetFileInfo info = new ParquetFileInfo("file:/x.parquet", "size 10, modified 2026-12-01T00:00:00Z", 0, 10, 0, new java.util.ArrayList<>(List.of()),
                List.of(), new java.util.HashMap<>(Map.of("a", "b")));

        assertThatThrownBy(() -> info.keyValueMetadata().put("c", "d")).isInstanceOf(UnsupportedOperationException.class);
    }

    private String uri(String name) {
        return directory.resolve(name).toUri().toString();
    }
}
