package io.nightshift.scoring;

import io.nightshift.parquet.ColumnVector;

/**
 * Up to one batch of input rows, columnar: one vector per planned column (id, passthrough, features).
 * {@code firstRowIndex} is the index of the first row within its file, for reject reports. The feature columns'
 * vectors are the reader's and are refilled by its next read: score a batch before reading the next one.
 */
record RowBatch(int partition, String fileUri, long firstRowIndex, int rows, ColumnVector[] columns) {
}
