package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;
import org.apache.parquet.io.api.Binary;

/**
 * A growable batch of one column's values in a primitive array, so reading and writing numeric columns allocates
 * nothing per row. Which array holds values depends on the {@link ColumnKind}: {@link #longs()} for BOOLEAN (0/1),
 * INT32 and INT64; {@link #doubles()} for FLOAT and DOUBLE; {@link #binaries()} for STRING and BINARY. The other
 * arrays are empty. {@link #nulls()} flags null rows; a null row's value is 0 (longs), NaN (doubles) or null
 * (binaries) so a caller that forgets to check the flag does not read a stale value.
 *
 * <p>The arrays are exposed for speed: hot loops may read and write them directly (then call {@link #setSize(int)}),
 * but must call {@link #ensureCapacity(int)} first, since growing replaces them. Not thread-safe.
 */
public final class ColumnVector {

    private static final long[] NO_LONGS = new long[0];
    private static final double[] NO_DOUBLES = new double[0];
    private static final Binary[] NO_BINARIES = new Binary[0];

    private final ColumnKind kind;
    long[] longs = NO_LONGS;
    double[] doubles = NO_DOUBLES;
    Binary[] binaries = NO_BINARIES;
    boolean[] nulls;
    int size;

    public ColumnVector(ColumnKind kind, int initialCapacity) {
        this.kind = requireNonNull(kind, "kind is null");
        if (kind == ColumnKind.OTHER) {
            throw new IllegalArgumentException("Cannot hold values of kind OTHER (nested, repeated or unsupported types)");
        }
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity is negative: " + initialCapacity);
        }
        this.nulls = new boolean[initialCapacity];
        if (kind.usesLongs()) {
            longs = new long[initialCapacity];
        } else if (kind.usesDoubles()) {
            doubles = new double[initialCapacity];
        } else {
            binaries = new Binary[initialCapacity];
        }
    }

    public ColumnKind kind() {
        return kind;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return nulls.length;
    }

    /** The values of BOOLEAN (0/1), INT32 and INT64 vectors; valid up to {@link #size()}. */
    public long[] longs() {
        return longs;
    }

    /** The values of FLOAT and DOUBLE vectors; valid up to {@link #size()}. */
    public double[] doubles() {
        return doubles;
    }

    /** The values of STRING and BINARY vectors; valid up to {@link #size()}. */
    public Binary[] binaries() {
        return binaries;
    }

    /** Null flags; valid up to {@link #size()}. */
    public boolean[] nulls() {
        return nulls;
    }

    /** Sets the size after filling the arrays directly; rows up to it must have been written. */
    public void setSize(int size) {
        Objects.checkIndex(size, capacity() + 1);
        this.size = size;
    }

    /** Empties the vector, keeping its arrays for reuse. */
    public void clear() {
        if (kind.usesBinaries()) {
            // Drop references so a reused vector does not keep the previous batch's bytes alive.
            Arrays.fill(binaries, 0, size, null);
        }
        size = 0;
    }

    /** Grows the arrays (keeping contents) so they hold at least {@code capacity} rows. */
    public void ensureCapacity(int capacity) {
        if (capacity <= nulls.length) {
            return;
        }
        int newCapacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity, (long) nulls.length * 3 / 2 + 16));
        nulls = Arrays.copyOf(nulls, newCapacity);
        if (kind.usesLongs()) {
            longs = Arrays.copyOf(longs, newCapacity);
        } else if (kind.usesDoubles()) {
            doubles = Arrays.copyOf(doubles, newCapacity);
        } else {
            binaries = Arrays.copyOf(binaries, newCapacity);
        }
    }

    public boolean isNull(int row) {
        return nulls[Objects.checkIndex(row, size)];
    }

    public long getLong(int row) {
        requireLongs();
        return longs[Objects.checkIndex(row, size)];
    }

    public double getDouble(int row) {
        requireDoubles();
        return doubles[Objects.checkIndex(row, size)];
    }

    public Binary getBinary(int row) {
        requireBinaries();
        return binaries[Objects.checkIndex(row, size)];
    }

    /** The value as a string (STRING and BINARY as UTF-8), or null for a null row; for tests and messages. */
    public String getString(int row) {
        requireBinaries();
        Binary value = binaries[Objects.checkIndex(row, size)];
        return value == null ? null : value.toStringUsingUTF8();
    }

    public void setLong(int row, long value) {
        requireLongs();
        longs[Objects.checkIndex(row, size)] = value;
        nulls[row] = false;
    }

    public void setDouble(int row, double value) {
        requireDoubles();
        doubles[Objects.checkIndex(row, size)] = value;
        nulls[row] = false;
    }

    public void setBinary(int row, Binary value) {
        requireBinaries();
        requireNonNull(value, "value is null (use setNull)");
        binaries[Objects.checkIndex(row, size)] = value;
        nulls[row] = false;
    }

    public void setNull(int row) {
        Objects.checkIndex(row, size);
        storeNull(row);
    }

    public void appendLong(long value) {
        requireLongs();
        ensureCapacity(size + 1);
        longs[size] = value;
        nulls[size++] = false;
    }

    public void appendDouble(double value) {
        requireDoubles();
        ensureCapacity(size + 1);
        doubles[size] = value;
        nulls[size++] = false;
    }

    public void appendBinary(Binary value) {
        requireBinaries();
        requireNonNull(value, "value is null (use appendNull)");
        ensureCapacity(size + 1);
        binaries[size] = value;
        nulls[size++] = false;
    }

    public void appendString(String value) {
        appendBinary(Binary.fromString(requireNonNull(value, "value is null (use appendNull)")));
    }

    public void appendNull() {
        ensureCapacity(size + 1);
        storeNull(size++);
    }

    /** Appends {@code count} rows of {@code source} starting at {@code from}; both vectors must keep values in the same array. */
    public void appendRange(ColumnVector source, int from, int count) {
        requireNonNull(source, "source is null");
        if (!sameStorage(source.kind)) {
            throw new IllegalArgumentException("Cannot append " + source.kind + " values to a " + kind + " vector");
        }
        Objects.checkFromIndexSize(from, count, source.size);
        ensureCapacity(size + count);
        System.arraycopy(source.nulls, from, nulls, size, count);
        if (kind.usesLongs()) {
            System.arraycopy(source.longs, from, longs, size, count);
        } else if (kind.usesDoubles()) {
            System.arraycopy(source.doubles, from, doubles, size, count);
        } else {
            System.arraycopy(source.binaries, from, binaries, size, count);
        }
        size += count;
    }

    /**
     * Keeps only the rows at {@code keepIndexes[0..count)}, in that order, moving them to the front; the way a caller
     * drops rejected rows from a batch in place. The indexes must be strictly increasing.
     */
    public void compact(int[] keepIndexes, int count) {
        requireNonNull(keepIndexes, "keepIndexes is null");
        Objects.checkFromIndexSize(0, count, keepIndexes.length);
        int previous = -1;
        for (int i = 0; i < count; i++) {
            int index = keepIndexes[i];
            // Strictly increasing indexes are always >= i, so moving in place never overwrites a row still to be moved.
            if (index <= previous || index >= size) {
                throw new IllegalArgumentException("keepIndexes must be strictly increasing and below " + size
                        + ", found " + index + " at position " + i);
            }
            previous = index;
            nulls[i] = nulls[index];
            if (kind.usesLongs()) {
                longs[i] = longs[index];
            } else if (kind.usesDoubles()) {
                doubles[i] = doubles[index];
            } else {
                binaries[i] = binaries[index];
            }
        }
        if (kind.usesBinaries()) {
            Arrays.fill(binaries, count, size, null);
        }
        size = count;
    }

    @Override
    public String toString() {
        return "ColumnVector[" + kind + ", size=" + size + "]";
    }

    boolean sameStorage(ColumnKind other) {
        return kind.usesLongs() == other.usesLongs()
                && kind.usesDoubles() == other.usesDoubles()
                && kind.usesBinaries() == other.usesBinaries();
    }

    private void storeNull(int row) {
        nulls[row] = true;
        if (kind.usesLongs()) {
            longs[row] = 0;
        } else if (kind.usesDoubles()) {
            doubles[row] = Double.NaN;
        } else {
            binaries[row] = null;
        }
    }

    private void requireLongs() {
        if (!kind.usesLongs()) {
            throw new IllegalStateException("A " + kind + " vector has no long values");
        }
    }

    private void requireDoubles() {
        if (!kind.usesDoubles()) {
            throw new IllegalStateException("A " + kind + " vector has no double values");
        }
    }

    private void requireBinaries() {
        if (!kind.usesBinaries()) {
            throw new IllegalStateException("A " + kind + " vector has no binary values");
        }
    }
}
