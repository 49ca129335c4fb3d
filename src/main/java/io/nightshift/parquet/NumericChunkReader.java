package io.nightshift.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;

/**
 * Reads one flat INT32, INT64, FLOAT or DOUBLE column of one row group into {@link ColumnVector}s a page at a time,
 * decoding in bulk: PLAIN values with one bulk get from a little-endian view of the page, dictionary pages by
 * gathering from a primitive copy of the dictionary, definition levels by whole runs. The loops over values hold
 * no virtual calls; that is what makes this several times faster than parquet-java's value-by-value
 * {@code ColumnReader}.
 *
 * <p>Pages in any other encoding (DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT...) are decoded by parquet-java's own
 * {@link ValuesReader} for that encoding, value by value: slower, but the same decoder the column reader uses, so
 * every file parquet-java reads is read the same way. Pages come from the row group's {@link PageReader}, so they
 * are decompressed and their checksums verified as before.
 *
 * <p>Values are those of parquet-java's typed getters: INT32 widened to long, FLOAT widened to double; a null row
 * is 0 or NaN, flagged in {@link ColumnVector#nulls()}. Not thread-safe.
 */
final class NumericChunkReader {

    /** Rows skipped per step when a restart starts inside a row group. */
    private static final int SKIP_BATCH = 4096;

    private enum ValueMode { PLAIN, DICTIONARY, FALLBACK }

    /** Definition levels of the current page as null flags, many at a time; returns how many rows are not null. */
    @FunctionalInterface
    private interface LevelSource {
        int readNulls(boolean[] nulls, int offset, int count);
    }

    private final ColumnDescriptor descriptor;
    private final ColumnKind kind;
    private final PageReader pages;
    private final int maxDefinitionLevel;
    private final long[] longDictionary;
    private final double[] doubleDictionary;

    private long rowsLeftInChunk;
    private int rowsLeftInPage;
    private ValueMode mode;
    private LevelSource levels;
    private DoubleBuffer doubleValues;
    private FloatBuffer floatValues;
    private LongBuffer longValues;
    private IntBuffer intValues;
    private RleBitPackedDecoder dictionaryIndexes;
    private ValuesReader fallbackValues;

    private int[] intScratch = new int[0];
    private float[] floatScratch = new float[0];
    private double[] doubleScratch = new double[0];
    private long[] longScratch = new long[0];

    NumericChunkReader(ColumnDescriptor descriptor, ColumnKind kind, PageReader pages) throws IOException {
        if (!kind.isNumeric() || kind == ColumnKind.BOOLEAN) {
            throw new IllegalArgumentException("Only INT32, INT64, FLOAT and DOUBLE columns are read in bulk, not " + kind);
        }
        this.descriptor = descriptor;
        this.kind = kind;
        this.pages = pages;
        this.maxDefinitionLevel = descriptor.getMaxDefinitionLevel();
        this.rowsLeftInChunk = pages.getTotalValueCount();
        DictionaryPage dictionaryPage = pages.readDictionaryPage();
        if (dictionaryPage == null) {
            longDictionary = null;
            doubleDictionary = null;
        } else {
            Dictionary dictionary = dictionaryPage.getEncoding().initDictionary(descriptor, dictionaryPage);
            int size = dictionary.getMaxId() + 1;
            longDictionary = kind.usesLongs() ? new long[size] : null;
            doubleDictionary = kind.usesDoubles() ? new double[size] : null;
            for (int id = 0; id < size; id++) {
                switch (kind) {
                    case INT32 -> longDictionary[id] = dictionary.decodeToInt(id);
                    case INT64 -> longDictionary[id] = dictionary.decodeToLong(id);
                    case FLOAT -> doubleDictionary[id] = dictionary.decodeToFloat(id);
                    default -> doubleDictionary[id] = dictionary.decodeToDouble(id);
                }
            }
        }
    }

    /** Reads the next {@code count} rows into rows {@code [start, start + count)} of {@code vector}'s arrays. */
    void read(ColumnVector vector, int start, int count) throws IOException {
        int row = start;
        int end = start + count;
        while (row < end) {
            if (rowsLeftInPage == 0) {
                nextPage();
            }
            int take = Math.min(end - row, rowsLeftInPage);
            if (kind.usesDoubles()) {
                readDoubles(vector.doubles, vector.nulls, row, take);
            } else {
                readLongs(vector.longs, vector.nulls, row, take);
            }
            row += take;
            rowsLeftInPage -= take;
            rowsLeftInChunk -= take;
        }
    }

    /** Moves past {@code rows} rows; they are decoded (levels and values must be walked) but not kept. */
    void skip(long rows) throws IOException {
        ColumnVector discarded = new ColumnVector(kind, (int) Math.min(rows, SKIP_BATCH));
        for (long left = rows; left > 0; ) {
            int step = (int) Math.min(left, SKIP_BATCH);
            read(discarded, 0, step);
            left -= step;
        }
    }

    private void readDoubles(double[] target, boolean[] nulls, int row, int count) {
        int present = readNulls(nulls, row, count);
        if (present == count) {
            decodeDoubles(target, row, count);
            return;
        }
        doubleScratch = grow(doubleScratch, present);
        double[] dense = doubleScratch;
        decodeDoubles(dense, 0, present);
        int next = 0;
        for (int i = row; i < row + count; i++) {
            target[i] = nulls[i] ? Double.NaN : dense[next++];
        }
    }

    private void readLongs(long[] target, boolean[] nulls, int row, int count) {
        int present = readNulls(nulls, row, count);
        if (present == count) {
            decodeLongs(target, row, count);
            return;
        }
        longScratch = grow(longScratch, present);
        long[] dense = longScratch;
        decodeLongs(dense, 0, present);
        int next = 0;
        for (int i = row; i < row + count; i++) {
            target[i] = nulls[i] ? 0 : dense[next++];
        }
    }

    /** Sets the null flags of {@code count} rows from the page's definition levels; returns how many are not null. */
    private int readNulls(boolean[] nulls, int row, int count) {
        if (levels == null) {
            Arrays.fill(nulls, row, row + count, false);
            return count;
        }
        return levels.readNulls(nulls, row, count);
    }

    private void decodeDoubles(double[] target, int offset, int count) {
        switch (mode) {
            case PLAIN -> {
                if (kind == ColumnKind.DOUBLE) {
                    doubleValues.get(target, offset, count);
                } else {
                    floatScratch = grow(floatScratch, count);
                    float[] floats = floatScratch;
                    floatValues.get(floats, 0, count);
                    for (int i = 0; i < count; i++) {
                        target[offset + i] = floats[i];
                    }
                }
            }
            case DICTIONARY -> {
                int[] indexes = dictionaryIndexes(count);
                double[] dictionary = doubleDictionary;
                for (int i = 0; i < count; i++) {
                    target[offset + i] = dictionary[indexes[i]];
                }
            }
            case FALLBACK -> {
                for (int i = 0; i < count; i++) {
                    target[offset + i] = kind == ColumnKind.DOUBLE ? fallbackValues.readDouble() : fallbackValues.readFloat();
                }
            }
        }
    }

    private void decodeLongs(long[] target, int offset, int count) {
        switch (mode) {
            case PLAIN -> {
                if (kind == ColumnKind.INT64) {
                    longValues.get(target, offset, count);
                } else {
                    intScratch = grow(intScratch, count);
                    int[] ints = intScratch;
                    intValues.get(ints, 0, count);
                    for (int i = 0; i < count; i++) {
                        target[offset + i] = ints[i];
                    }
                }
            }
            case DICTIONARY -> {
                int[] indexes = dictionaryIndexes(count);
                long[] dictionary = longDictionary;
                for (int i = 0; i < count; i++) {
                    target[offset + i] = dictionary[indexes[i]];
                }
            }
            case FALLBACK -> {
                for (int i = 0; i < count; i++) {
                    target[offset + i] = kind == ColumnKind.INT64 ? fallbackValues.readLong() : fallbackValues.readInteger();
                }
            }
        }
    }

    private int[] dictionaryIndexes(int count) {
        intScratch = grow(intScratch, count);
        dictionaryIndexes.read(intScratch, 0, count);
        return intScratch;
    }

    private void nextPage() throws IOException {
        DataPage page = pages.readPage();
        if (page == null) {
            throw new IllegalStateException("column '" + descriptor.getPath()[0] + "' has no page for its last "
                    + rowsLeftInChunk + " rows");
        }
        int rows = page.getValueCount();
        if (rows <= 0 || rows > rowsLeftInChunk) {
            throw new IllegalStateException("column '" + descriptor.getPath()[0] + "' has a page of " + rows
                    + " rows where " + rowsLeftInChunk + " rows are left in its chunk");
        }
        if (page instanceof DataPageV1 v1) {
            startPageV1(v1);
        } else if (page instanceof DataPageV2 v2) {
            startPageV2(v2);
        } else {
            throw new IllegalStateException("unknown page type " + page.getClass().getName());
        }
        rowsLeftInPage = rows;
    }

    /** Version 1 pages hold levels and values in one buffer: [definition levels][values], no repetition levels (flat). */
    private void startPageV1(DataPageV1 page) throws IOException {
        ByteBuffer bytes = littleEndian(page.getBytes());
        int valuesStart = 0;
        levels = null;
        if (maxDefinitionLevel > 0) {
            if (page.getDlEncoding() == Encoding.RLE) {
                int length = bytes.getInt(0);
                if (length < 0 || length > bytes.remaining() - 4) {
                    throw new IllegalStateException("definition levels of " + length + " bytes in a page of "
                            + bytes.remaining() + " bytes");
                }
                levels = rle(bytes.slice(4, length));
                valuesStart = 4 + length;
            } else {
                // The deprecated BIT_PACKED level encoding: rare enough for parquet-java's own reader.
                ByteBufferInputStream in = ByteBufferInputStream.wrap(bytes.duplicate());
                ValuesReader reader = page.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
                reader.initFromPage(page.getValueCount(), in);
                levels = (nulls, offset, count) -> {
                    int present = 0;
                    for (int i = 0; i < count; i++) {
                        boolean isNull = reader.readInteger() != maxDefinitionLevel;
                        nulls[offset + i] = isNull;
                        present += isNull ? 0 : 1;
                    }
                    return present;
                };
                valuesStart = Math.toIntExact(in.position());
            }
        }
        startValues(page.getValueEncoding(), bytes.slice(valuesStart, bytes.remaining() - valuesStart), page.getValueCount());
    }

    /** Version 2 pages keep levels (always RLE, no length prefix) apart from the values. */
    private void startPageV2(DataPageV2 page) throws IOException {
        levels = maxDefinitionLevel > 0 ? rle(littleEndian(page.getDefinitionLevels())) : null;
        startValues(page.getDataEncoding(), littleEndian(page.getData()), page.getValueCount());
    }

    private LevelSource rle(ByteBuffer levelBytes) {
        RleBitPackedDecoder decoder = new RleBitPackedDecoder(levelBytes.order(ByteOrder.LITTLE_ENDIAN),
                BytesUtils.getWidthFromMaxInt(maxDefinitionLevel));
        return (nulls, offset, count) -> decoder.readNulls(nulls, offset, count, maxDefinitionLevel);
    }

    private void startValues(Encoding encoding, ByteBuffer values, int valueCount) throws IOException {
        values.order(ByteOrder.LITTLE_ENDIAN);
        fallbackValues = null;
        dictionaryIndexes = null;
        if (encoding == Encoding.PLAIN) {
            mode = ValueMode.PLAIN;
            switch (kind) {
                case INT32 -> intValues = values.asIntBuffer();
                case INT64 -> longValues = values.asLongBuffer();
                case FLOAT -> floatValues = values.asFloatBuffer();
                default -> doubleValues = values.asDoubleBuffer();
            }
        } else if (encoding.usesDictionary()) {
            if (longDictionary == null && doubleDictionary == null) {
                throw new IllegalStateException("column '" + descriptor.getPath()[0]
                        + "' has a dictionary-encoded page but no dictionary page");
            }
            mode = ValueMode.DICTIONARY;
            int bitWidth = values.get() & 0xFF;
            dictionaryIndexes = new RleBitPackedDecoder(values.slice().order(ByteOrder.LITTLE_ENDIAN), bitWidth);
        } else {
            mode = ValueMode.FALLBACK;
            fallbackValues = encoding.getValuesReader(descriptor, ValuesType.VALUES);
            fallbackValues.initFromPage(valueCount, ByteBufferInputStream.wrap(values));
        }
    }

    private static ByteBuffer littleEndian(BytesInput bytes) throws IOException {
        return bytes.toByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int[] grow(int[] array, int size) {
        return array.length >= size ? array : new int[Math.max(size, array.length * 2)];
    }

    private static float[] grow(float[] array, int size) {
        return array.length >= size ? array : new float[Math.max(size, array.length * 2)];
    }

    private static double[] grow(double[] array, int size) {
        return array.length >= size ? array : new double[Math.max(size, array.length * 2)];
    }

    private static long[] grow(long[] array, int size) {
        return array.length >= size ? array : new long[Math.max(size, array.length * 2)];
    }
}
