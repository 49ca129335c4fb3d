package io.nightshift.parquet;

/**
 * The kinds of flat Parquet columns Nightshift reads and writes, grouped by the primitive array a
 * {@link ColumnVector} keeps them in.
 */
public enum ColumnKind {
    /** Stored as 0/1 in {@link ColumnVector#longs()}. */
    BOOLEAN,
    /** Stored in {@link ColumnVector#longs()}. */
    INT32,
    /** Stored in {@link ColumnVector#longs()}. */
    INT64,
    /** Stored widened in {@link ColumnVector#doubles()}. */
    FLOAT,
    /** Stored in {@link ColumnVector#doubles()}. */
    DOUBLE,
    /** BINARY with the STRING logical type; stored in {@link ColumnVector#binaries()}. */
    STRING,
    /** BINARY without the STRING logical type; stored in {@link ColumnVector#binaries()}. */
    BINARY,
    /** Anything else (nested groups, repeated fields, INT96, FIXED_LEN_BYTE_ARRAY, decimals): not readable here. */
    OTHER;

    /** True for kinds kept in {@link ColumnVector#longs()}. */
    public boolean usesLongs() {
        return this == BOOLEAN || this == INT32 || this == INT64;
    }

    /** True for kinds kept in {@link ColumnVector#doubles()}. */
    public boolean usesDoubles() {
        return this == FLOAT || this == DOUBLE;
    }

    /** True for kinds kept in {@link ColumnVector#binaries()}. */
    public boolean usesBinaries() {
        return this == STRING || this == BINARY;
    }

    /**
     * True for kinds a model can take as a number. BOOLEAN counts: it is read as 0/1, which is how models
     * exported from scikit-learn, XGBoost and LightGBM see boolean features.
     */
    public boolean isNumeric() {
        return usesLongs() || usesDoubles();
    }
}
