package io.nightshift.parquet;

import java.io.IOException;

/**
 * A file is not readable as Parquet (empty, truncated, corrupt, or lacking a requested column). An
 * {@link IOException} so callers handle it with other read failures, but a separate type because retrying the
 * same file will not help, unlike a network error.
 */
public final class ParquetFormatException extends IOException {

    public ParquetFormatException(String message) {
        super(message);
    }

    public ParquetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
