package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

/**
 * One top-level column of a Parquet file as Nightshift sees it.
 *
 * @param name the field name
 * @param kind how Nightshift reads it; {@link ColumnKind#OTHER} when it cannot
 * @param optional whether the column may hold nulls
 * @param parquetType the Parquet type for messages, e.g. {@code optional double} or {@code required binary (STRING)}
 */
public record ColumnInfo(String name, ColumnKind kind, boolean optional, String parquetType) {
    public ColumnInfo {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(parquetType, "parquetType is null");
    }

    /** Whether a model can take this column as a number (see {@link ColumnKind#isNumeric()}). */
    public boolean isNumeric() {
        return kind.isNumeric();
    }
}
