package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

import io.nightshift.storage.Storage;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * What a Parquet footer says about a file: enough to plan work (row groups and their sizes) and to check a model's
 * inputs against the columns, without reading any data.
 *
 * @param uri the file
 * @param version the storage version read (S3 ETag, local size and modification time)
 * @param footerChecksum CRC-32C of the footer bytes (metadata, its length and the magic): with the version, what
 *     pins a file to the plan, since a local file restored or rewritten may keep its modification time
 * @param sizeBytes the file size
 * @param rowCount rows in all row groups
 * @param rowGroupRows rows per row group, in file order
 * @param columns the top-level columns in schema order
 * @param keyValueMetadata the footer's key-value metadata
 */
public record ParquetFileInfo(
        String uri,
        String version,
        long footerChecksum,
        long sizeBytes,
        long rowCount,
        List<Long> rowGroupRows,
        List<ColumnInfo> columns,
        Map<String, String> keyValueMetadata) {

    public ParquetFileInfo {
        requireNonNull(uri, "uri is null");
        requireNonNull(version, "version is null");
        rowGroupRows = List.copyOf(requireNonNull(rowGroupRows, "rowGroupRows is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        keyValueMetadata = Map.copyOf(requireNonNull(keyValueMetadata, "keyValueMetadata is null"));
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative: " + sizeBytes);
        }
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is negative: " + rowCount);
        }
    }

    /** Reads only the footer (on S3 usually one ranged GET). */
    public static ParquetFileInfo read(Storage storage, String uri) throws IOException {
        requireNonNull(storage, "storage is null");
        requireNonNull(uri, "uri is null");
        StorageInputFile file = new StorageInputFile(storage, uri);
        RangeReaderInputStream stream = file.openStream();
        try (ParquetFileReader reader = ParquetFiles.open(file, stream)) {
            ParquetMetadata footer = reader.getFooter();
            List<Long> rowGroupRows = footer.getBlocks().stream().map(BlockMetaData::getRowCount).toList();
            long rowCount = rowGroupRows.stream().mapToLong(Long::longValue).sum();
            return new ParquetFileInfo(
                    uri,
                    stream.version(),
                    ParquetFiles.footerChecksum(stream),
                    file.getLength(),
                    rowCount,
                    rowGroupRows,
                    ParquetFiles.columns(footer.getFileMetaData().getSchema()),
                    withoutNullValues(footer.getFileMetaData().getKeyValueMetaData()));
        }
    }

    /**
     * The footer checksum of {@code expectedVersion} of a file, to compare with the one planned; fails with
     * {@code FileChangedException} if the file no longer has that version.
     */
    public static long footerChecksum(Storage storage, String uri, String expectedVersion) throws IOException {
        try (RangeReaderInputStream stream = new StorageInputFile(storage, uri, expectedVersion).openStream()) {
            return ParquetFiles.footerChecksum(stream);
        }
    }

    /** The column with this name, if there is one. */
    public Optional<ColumnInfo> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    /** The Parquet format allows a key without a value; an immutable map does not, so it becomes an empty string. */
    private static Map<String, String> withoutNullValues(Map<String, String> metadata) {
        Map<String, String> copy = new HashMap<>(metadata.size());
        metadata.forEach((key, value) -> copy.put(key, value == null ? "" : value));
        return copy;
    }
}
