package io.nightshift.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/** Opening Parquet files with checks that turn parquet-java's terse failures into messages naming the file. */
final class ParquetFiles {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);
    /** Leading magic, footer length and trailing magic: the smallest a Parquet file can be. */
    private static final int MINIMUM_FILE_BYTES = 4 + 4 + 4;

    private ParquetFiles() {
    }

    /**
     * Opens a file over a stream of it, having read and checked its footer; throws {@link ParquetFormatException}
     * when it is not Parquet. The reader owns the stream: closing it closes the stream, also on failure here.
     */
    static ParquetFileReader open(StorageInputFile file, RangeReaderInputStream stream) throws IOException {
        String uri = file.uri();
        try {
            checkTail(uri, stream);
            return new ParquetFileReader(file, readOptions(), stream);
        } catch (ParquetFormatException e) {
            closeAfterFailure(stream, e);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(stream, e);
            if (stream.storageFailed()) {
                throw e;
            }
            throw new ParquetFormatException("Cannot read " + uri + ": truncated or corrupt footer (" + e.getMessage() + ")", e);
        }
    }

    private static ParquetReadOptions readOptions() {
        return ParquetReadOptions.builder(new PlainParquetConfiguration())
                // Page checksums turn silent corruption (a bad disk, a broken upload) into an error naming the file.
                .usePageChecksumVerification(true)
                // We read whole row groups by index; filters would only cost footer work.
                .useStatsFilter(false)
                .useDictionaryFilter(false)
                .useRecordFilter(false)
                .useColumnIndexFilter(false)
                .useBloomFilter(false)
                .build();
    }

    /**
     * Checks size, magic and footer length before parquet-java parses anything: its own errors for these cases
     * ("is not a Parquet file. Expected magic number at tail...") do not say what likely happened.
     */
    private static void checkTail(String uri, RangeReaderInputStream stream) throws IOException {
        long length = stream.length();
        if (length == 0) {
            throw new ParquetFormatException("Cannot read " + uri + ": file is empty (0 bytes)");
        }
        if (length < MINIMUM_FILE_BYTES) {
            throw new ParquetFormatException("Cannot read " + uri + ": not a Parquet file (only " + length
                    + " bytes); was it written completely?");
        }
        byte[] tail = new byte[8];
        stream.seek(length - tail.length);
        stream.readFully(tail);
        if (startsWith(tail, 4, ENCRYPTED_MAGIC)) {
            throw new ParquetFormatException("Cannot read " + uri + ": encrypted Parquet files are not supported");
        }
        if (!startsWith(tail, 4, MAGIC)) {
            throw new ParquetFormatException("Cannot read " + uri
                    + ": not a Parquet file (bad magic bytes); was it written completely?");
        }
        long footerLength = Integer.toUnsignedLong((tail[0] & 0xFF) | (tail[1] & 0xFF) << 8 | (tail[2] & 0xFF) << 16
                | (tail[3] & 0xFF) << 24);
        if (footerLength == 0 || footerLength > length - MINIMUM_FILE_BYTES) {
            throw new ParquetFormatException("Cannot read " + uri + ": truncated or corrupt footer (footer length "
                    + footerLength + " does not fit in a file of " + length + " bytes)");
        }
        stream.seek(0);
    }

    /**
     * CRC-32C of a file's footer: the serialized metadata, its length and the trailing magic. The footer holds every
     * row group's offsets, sizes and statistics, so another file with the same name, size and layout still has
     * another footer checksum unless its data is byte for byte the same.
     */
    static long footerChecksum(RangeReaderInputStream stream) throws IOException {
        long length = stream.length();
        if (length < MINIMUM_FILE_BYTES) {
            throw new ParquetFormatException("Cannot read " + stream.uri() + ": not a Parquet file (only " + length + " bytes)");
        }
        byte[] tail = new byte[8];
        stream.seek(length - tail.length);
        stream.readFully(tail);
        long footerLength = Integer.toUnsignedLong((tail[0] & 0xFF) | (tail[1] & 0xFF) << 8 | (tail[2] & 0xFF) << 16
                | (tail[3] & 0xFF) << 24);
        if (footerLength > length - MINIMUM_FILE_BYTES) {
            throw new ParquetFormatException("Cannot read " + stream.uri() + ": truncated or corrupt footer (footer length "
                    + footerLength + " does not fit in a file of " + length + " bytes)");
        }
        byte[] footer = new byte[(int) footerLength + tail.length];
        stream.seek(length - footer.length);
        stream.readFully(footer);
        CRC32C crc = new CRC32C();
        crc.update(footer);
        stream.seek(0);
        return crc.getValue();
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static void closeAfterFailure(RangeReaderInputStream stream, Exception failure) {
        try {
            stream.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    static List<ColumnInfo> columns(MessageType schema) {
        List<ColumnInfo> columns = new ArrayList<>(schema.getFieldCount());
        for (Type field : schema.getFields()) {
            columns.add(column(field));
        }
        return columns;
    }

    static ColumnInfo column(Type field) {
        String repetition = field.getRepetition().name().toLowerCase(Locale.ROOT);
        boolean optional = field.getRepetition() == Type.Repetition.OPTIONAL;
        if (!field.isPrimitive()) {
            return new ColumnInfo(field.getName(), ColumnKind.OTHER, optional, repetition + " group");
        }
        PrimitiveType primitive = field.asPrimitiveType();
        LogicalTypeAnnotation logicalType = primitive.getLogicalTypeAnnotation();
        String parquetType = repetition + " " + primitive.getPrimitiveTypeName().name().toLowerCase(Locale.ROOT)
                + (logicalType == null ? "" : " (" + logicalType + ")");
        ColumnKind kind = field.getRepetition() == Type.Repetition.REPEATED ? ColumnKind.OTHER : kind(primitive);
        return new ColumnInfo(field.getName(), kind, optional, parquetType);
    }

    private static ColumnKind kind(PrimitiveType primitive) {
        LogicalTypeAnnotation logicalType = primitive.getLogicalTypeAnnotation();
        // A decimal's stored integer is not its value (scale); reading it as a plain number would mislead a model.
        if (logicalType instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
            return ColumnKind.OTHER;
        }
        return switch (primitive.getPrimitiveTypeName()) {
            case BOOLEAN -> ColumnKind.BOOLEAN;
            case INT32 -> ColumnKind.INT32;
            case INT64 -> ColumnKind.INT64;
            case FLOAT -> ColumnKind.FLOAT;
            case DOUBLE -> ColumnKind.DOUBLE;
            case BINARY -> isText(logicalType) ? ColumnKind.STRING : ColumnKind.BINARY;
            case INT96, FIXED_LEN_BYTE_ARRAY -> ColumnKind.OTHER;
        };
    }

    private static boolean isText(LogicalTypeAnnotation logicalType) {
        return logicalType instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logicalType instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logicalType instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }
}
