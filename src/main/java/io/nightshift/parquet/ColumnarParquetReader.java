package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

import io.nightshift.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads chosen columns of a range of row groups of one Parquet file straight into {@link ColumnVector}s (no
 * per-row objects for numeric columns), and says exactly where it is, so a restarted job can reopen the file at
 * ({@link #rowGroup()}, {@link #rowOffsetInGroup()}) and continue with the next row.
 *
 * <p>INT32, INT64, FLOAT and DOUBLE columns are decoded a page at a time in bulk ({@link NumericChunkReader}); boolean
 * and binary columns go through parquet-java's column reader value by value. Only the requested columns' chunks are
 * fetched. Row groups are read by index, one at a time, so memory is
 * bounded by one row group of the requested columns. Not thread-safe.
 */
public final class ColumnarParquetReader implements AutoCloseable {

    private static final int TO_LAST_ROW_GROUP = -1;

    private final String uri;
    private final ParquetFileReader fileReader;
    private final RangeReaderInputStream stream;
    private final List<ColumnInfo> columns;
    private final ColumnKind[] kinds;
    private final ColumnDescriptor[] descriptors;
    private final int[] maxDefinitionLevels;
    private final MessageType projection;
    private final GroupConverter ignoringConverter;
    private final String createdBy;
    private final long[] rowGroupRows;
    private final int endRowGroup;

    private int rowGroup;
    private long rowOffsetInGroup;
    private long rowsRead;
    private PageReadStore pages;
    /** Per column of the current row group: one of these two is set, by the column's kind. */
    private final ColumnReader[] columnReaders;
    private final NumericChunkReader[] numericReaders;
    private boolean failed;
    private boolean closed;

    private ColumnarParquetReader(String uri, ParquetFileReader fileReader, RangeReaderInputStream stream,
            List<String> columnNames, int firstRowGroup, long rowOffsetInFirstGroup, int endRowGroupExclusive)
            throws ParquetFormatException {
        this.uri = uri;
        this.fileReader = fileReader;
        this.stream = stream;
        MessageType fileSchema = fileReader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = new ArrayList<>(columnNames.size());
        List<ColumnInfo> infos = new ArrayList<>(columnNames.size());
        for (String name : columnNames) {
            if (!fileSchema.containsField(name)) {
                throw new ParquetFormatException("Cannot read " + uri + ": column '" + name + "' not found; columns are "
                        + fileSchema.getFields().stream().map(Type::getName).toList());
            }
            Type field = fileSchema.getType(name);
            ColumnInfo info = ParquetFiles.column(field);
            if (info.kind() == ColumnKind.OTHER) {
                throw new ParquetFormatException("Cannot read " + uri + ": column '" + name + "' has type '"
                        + info.parquetType() + "', which is not supported; only flat boolean, int32, int64, float,"
                        + " double, string and binary columns are");
            }
            fields.add(field);
            infos.add(info);
        }
        this.columns = List.copyOf(infos);
        this.projection = new MessageType(fileSchema.getName(), fields);
        this.kinds = new ColumnKind[fields.size()];
        this.descriptors = new ColumnDescriptor[fields.size()];
        this.maxDefinitionLevels = new int[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            kinds[i] = infos.get(i).kind();
            descriptors[i] = projection.getColumnDescription(new String[] {fields.get(i).getName()});
            maxDefinitionLevels[i] = descriptors[i].getMaxDefinitionLevel();
        }
        this.columnReaders = new ColumnReader[fields.size()];
        this.numericReaders = new NumericChunkReader[fields.size()];
        this.ignoringConverter = new IgnoringGroupConverter(fields.size());
        this.createdBy = fileReader.getFooter().getFileMetaData().getCreatedBy();
        List<BlockMetaData> blocks = fileReader.getRowGroups();
        this.rowGroupRows = blocks.stream().mapToLong(BlockMetaData::getRowCount).toArray();
        int end = endRowGroupExclusive == TO_LAST_ROW_GROUP ? rowGroupRows.length : endRowGroupExclusive;
        checkRange(firstRowGroup, rowOffsetInFirstGroup, end);
        this.endRowGroup = end;
        this.rowGroup = firstRowGroup;
        this.rowOffsetInGroup = rowOffsetInFirstGroup;
        fileReader.setRequestedSchema(projection);
        normalisePosition();
    }

    /**
     * Opens a file to read {@code columns} of row groups {@code [firstRowGroup, endRowGroupExclusive)}, starting
     * {@code rowOffsetInFirstGroup} rows into the first one: the position a previous reader reported through
     * {@link #rowGroup()} and {@link #rowOffsetInGroup()}, or (g, 0) to start at group g.
     *
     * @throws ParquetFormatException if the file is not Parquet or lacks a column, or a column is nested or of an
     *     unsupported type
     * @throws IllegalArgumentException if the range does not fit the file's row groups
     */
    public static ColumnarParquetReader open(Storage storage, String uri, List<String> columns, int firstRowGroup,
            long rowOffsetInFirstGroup, int endRowGroupExclusive) throws IOException {
        return open(storage, uri, null, columns, firstRowGroup, rowOffsetInFirstGroup, endRowGroupExclusive);
    }

    /**
     * Like {@link #open(Storage, String, List, int, long, int)}, reading only {@code expectedVersion} of the file:
     * a file changed since that version was seen fails with {@code FileChangedException}, at open or at any read.
     */
    public static ColumnarParquetReader open(Storage storage, String uri, String expectedVersion, List<String> columns,
            int firstRowGroup, long rowOffsetInFirstGroup, int endRowGroupExclusive) throws IOException {
        if (endRowGroupExclusive < 0) {
            throw new IllegalArgumentException("endRowGroupExclusive is negative: " + endRowGroupExclusive);
        }
        return openRange(storage, uri, expectedVersion, columns, firstRowGroup, rowOffsetInFirstGroup, endRowGroupExclusive);
    }

    /** Opens a file to read {@code columns} of all its rows. */
    public static ColumnarParquetReader openAll(Storage storage, String uri, List<String> columns) throws IOException {
        return openRange(storage, uri, null, columns, 0, 0, TO_LAST_ROW_GROUP);
    }

    private static ColumnarParquetReader openRange(Storage storage, String uri, String expectedVersion, List<String> columns,
            int firstRowGroup, long rowOffsetInFirstGroup, int endRowGroupExclusive) throws IOException {
        requireNonNull(storage, "storage is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(columns, "columns is null");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("Cannot read " + uri + ": no columns requested");
        }
        Set<String> distinct = new HashSet<>();
        for (String column : columns) {
            if (!distinct.add(requireNonNull(column, "column name is null"))) {
                throw new IllegalArgumentException("Cannot read " + uri + ": column '" + column + "' requested twice");
            }
        }
        StorageInputFile file = new StorageInputFile(storage, uri, expectedVersion);
        RangeReaderInputStream stream = file.openStream();
        ParquetFileReader fileReader = ParquetFiles.open(file, stream);
        try {
            return new ColumnarParquetReader(uri, fileReader, stream, List.copyOf(columns), firstRowGroup,
                    rowOffsetInFirstGroup, endRowGroupExclusive);
        } catch (IOException | RuntimeException e) {
            try {
                fileReader.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    private void checkRange(int firstRowGroup, long rowOffsetInFirstGroup, int endRowGroupExclusive) {
        int rowGroups = rowGroupRows.length;
        if (firstRowGroup < 0 || endRowGroupExclusive < firstRowGroup || endRowGroupExclusive > rowGroups) {
            throw new IllegalArgumentException("Cannot read " + uri + ": row groups [" + firstRowGroup + ", "
                    + endRowGroupExclusive + ") are not within the file's " + rowGroups + " row groups");
        }
        long rowsInFirst = firstRowGroup < endRowGroupExclusive ? rowGroupRows[firstRowGroup] : 0;
        if (rowOffsetInFirstGroup < 0 || rowOffsetInFirstGroup > rowsInFirst) {
            throw new IllegalArgumentException("Cannot read " + uri + ": row offset " + rowOffsetInFirstGroup
                    + " is not within row group " + firstRowGroup + " of " + rowsInFirst + " rows in the range");
        }
    }

    /** The requested columns, in the requested order. */
    public List<ColumnInfo> columns() {
        return columns;
    }

    /** One empty vector per requested column, of the right kind, for {@link #read(ColumnVector[], int)}. */
    public ColumnVector[] newVectors(int capacity) {
        ColumnVector[] vectors = new ColumnVector[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            vectors[i] = new ColumnVector(kinds[i], capacity);
        }
        return vectors;
    }

    /** Rows of every row group of the file (not only the range), in file order. */
    public long[] rowGroupRows() {
        return rowGroupRows.clone();
    }

    /** Row group of the next row to read; {@code endRowGroupExclusive} once the range is read. */
    public int rowGroup() {
        return rowGroup;
    }

    /** Offset inside {@link #rowGroup()} of the next row to read; never the end of a group (that is (group + 1, 0)). */
    public long rowOffsetInGroup() {
        return rowOffsetInGroup;
    }

    /** Rows returned by this reader since it was opened (not counting rows before the start position). */
    public long rowsRead() {
        return rowsRead;
    }

    /**
     * Appends up to {@code maxRows} rows to {@code into} (one vector per requested column, in the requested order,
     * kinds as in {@link #columns()}; FLOAT may go to a DOUBLE vector and so on, as long as the array is the same).
     * Appends rather than replaces so a caller can top up a partly filled batch; call {@link ColumnVector#clear()}
     * first for a fresh batch. Continues across row groups but never past the end of the range.
     *
     * @return rows read; 0 only when the range is exhausted
     * @throws ParquetFormatException if the data is corrupt; the reader is then unusable
     */
    public int read(ColumnVector[] into, int maxRows) throws IOException {
        checkVectors(into);
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows is negative: " + maxRows);
        }
        if (closed) {
            throw new IllegalStateException("Cannot read " + uri + ": the reader is closed");
        }
        if (failed) {
            throw new IllegalStateException("Cannot read " + uri + ": an earlier read failed");
        }
        int total = 0;
        try {
            while (total < maxRows && rowGroup < endRowGroup) {
                if (pages == null) {
                    loadRowGroup();
                }
                int count = (int) Math.min(maxRows - total, rowGroupRows[rowGroup] - rowOffsetInGroup);
                for (int column = 0; column < kinds.length; column++) {
                    readColumn(column, into[column], count);
                }
                total += count;
                rowOffsetInGroup += count;
                rowsRead += count;
                normalisePosition();
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw readFailure(e);
        }
        return total;
    }

    private IOException readFailure(Exception failure) {
        if (failure instanceof ParquetFormatException formatException) {
            return formatException;
        }
        if (stream.storageFailed() && failure instanceof IOException ioException) {
            // A storage failure (a reset connection) is not corruption: keep its type so a caller can retry.
            return ioException;
        }
        return new ParquetFormatException("Cannot read " + uri + ": corrupt data in row group " + rowGroup + " ("
                + failure.getMessage() + ")", failure);
    }

    private void checkVectors(ColumnVector[] into) {
        requireNonNull(into, "into is null");
        if (into.length != kinds.length) {
            throw new IllegalArgumentException("Expected " + kinds.length + " vectors (one per column "
                    + columns.stream().map(ColumnInfo::name).toList() + "), got " + into.length);
        }
        for (int i = 0; i < into.length; i++) {
            requireNonNull(into[i], "vector " + i + " is null");
            if (!into[i].sameStorage(kinds[i])) {
                throw new IllegalArgumentException("Column '" + columns.get(i).name() + "' is " + kinds[i]
                        + " but its vector is " + into[i].kind());
            }
        }
    }

    /** Moves past finished (and empty) row groups, so the position always names the next row to read. */
    private void normalisePosition() {
        while (rowGroup < endRowGroup && rowOffsetInGroup == rowGroupRows[rowGroup]) {
            closePages();
            rowGroup++;
            rowOffsetInGroup = 0;
        }
    }

    private void loadRowGroup() throws IOException {
        // By index rather than readNextRowGroup(): that one silently skips empty groups, which would shift indexes.
        pages = fileReader.readRowGroup(rowGroup);
        ColumnReadStoreImpl readStore = new ColumnReadStoreImpl(pages, ignoringConverter, projection, createdBy);
        for (int column = 0; column < descriptors.length; column++) {
            if (readsInBulk(kinds[column])) {
                numericReaders[column] = new NumericChunkReader(descriptors[column], kinds[column],
                        pages.getPageReader(descriptors[column]));
                numericReaders[column].skip(rowOffsetInGroup);
            } else {
                // Column readers are made lazily: columns read in bulk never get one, so their pages are read once.
                columnReaders[column] = readStore.getColumnReader(descriptors[column]);
                skipRows(columnReaders[column], maxDefinitionLevels[column], rowOffsetInGroup);
            }
        }
    }

    /** Numbers other than BOOLEAN (bit-packed, rare as a feature) are decoded in bulk; the rest value by value. */
    private static boolean readsInBulk(ColumnKind kind) {
        return kind == ColumnKind.INT32 || kind == ColumnKind.INT64 || kind == ColumnKind.FLOAT || kind == ColumnKind.DOUBLE;
    }

    /** Skips rows without decoding them into values; flat columns have one value (or null) per row. */
    private static void skipRows(ColumnReader reader, int maxDefinitionLevel, long rows) {
        for (long row = 0; row < rows; row++) {
            if (reader.getCurrentDefinitionLevel() == maxDefinitionLevel) {
                reader.skip();
            }
            reader.consume();
        }
    }

    private void readColumn(int column, ColumnVector vector, int count) throws IOException {
        int start = vector.size;
        int end = start + count;
        vector.ensureCapacity(end);
        if (numericReaders[column] != null) {
            numericReaders[column].read(vector, start, count);
            vector.size = end;
            return;
        }
        ColumnReader reader = columnReaders[column];
        int maxDefinitionLevel = maxDefinitionLevels[column];
        boolean[] nulls = vector.nulls;
        switch (kinds[column]) {
            case BOOLEAN -> {
                long[] values = vector.longs;
                for (int row = start; row < end; row++) {
                    boolean present = reader.getCurrentDefinitionLevel() == maxDefinitionLevel;
                    values[row] = present && reader.getBoolean() ? 1 : 0;
                    nulls[row] = !present;
                    reader.consume();
                }
            }
            case STRING, BINARY -> {
                Binary[] values = vector.binaries;
                for (int row = start; row < end; row++) {
                    boolean present = reader.getCurrentDefinitionLevel() == maxDefinitionLevel;
                    // Copy: the decoded value may point into a page buffer that is released or reused later.
                    values[row] = present ? Binary.fromConstantByteArray(reader.getBinary().getBytes()) : null;
                    nulls[row] = !present;
                    reader.consume();
                }
            }
            case INT32, INT64, FLOAT, DOUBLE, OTHER ->
                    throw new IllegalStateException("Column '" + columns.get(column).name() + "' is not read value by value");
        }
        vector.size = end;
    }

    private void closePages() {
        if (pages != null) {
            // parquet-java does not close row groups it hands out (#3487); without this, buffers leak.
            PageReadStore current = pages;
            pages = null;
            Arrays.fill(columnReaders, null);
            Arrays.fill(numericReaders, null);
            current.close();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closePages();
        } finally {
            fileReader.close();
        }
    }

    /** Column readers need a converter; values are taken with the typed getters instead, so it does nothing. */
    private static final class IgnoringGroupConverter extends GroupConverter {
        private final PrimitiveConverter[] converters;

        IgnoringGroupConverter(int fields) {
            converters = new PrimitiveConverter[fields];
            for (int i = 0; i < fields; i++) {
                converters[i] = new PrimitiveConverter() { };
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return converters[fieldIndex];
        }

        @Override
        public void start() {
        }

        @Override
        public void end() {
        }
    }
}
