package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * How {@link ColumnarParquetWriter} lays out a file.
 *
 * @param rowGroupBytes target row group size; each open writer buffers about one row group on heap, so budget
 *     writers × this (parquet-java's 128 MiB default is too much for many concurrent writers)
 * @param pageBytes target page size
 * @param codec compression codec
 */
public record WriterOptions(long rowGroupBytes, int pageBytes, CompressionCodecName codec) {

    public static final long DEFAULT_ROW_GROUP_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_PAGE_BYTES = 1024 * 1024;
    public static final CompressionCodecName DEFAULT_CODEC = CompressionCodecName.SNAPPY;

    public WriterOptions {
        requireNonNull(codec, "codec is null");
        if (rowGroupBytes <= 0) {
            throw new IllegalArgumentException("rowGroupBytes must be positive: " + rowGroupBytes);
        }
        if (pageBytes <= 0) {
            throw new IllegalArgumentException("pageBytes must be positive: " + pageBytes);
        }
    }

    /** 64 MiB row groups, 1 MiB pages, Snappy. */
    public static WriterOptions defaults() {
        return new WriterOptions(DEFAULT_ROW_GROUP_BYTES, DEFAULT_PAGE_BYTES, DEFAULT_CODEC);
    }

    public WriterOptions withRowGroupBytes(long newRowGroupBytes) {
        return new WriterOptions(newRowGroupBytes, pageBytes, codec);
    }

    public WriterOptions withPageBytes(int newPageBytes) {
        return new WriterOptions(rowGroupBytes, newPageBytes, codec);
    }

    public WriterOptions withCodec(CompressionCodecName newCodec) {
        return new WriterOptions(rowGroupBytes, pageBytes, newCodec);
    }
}
