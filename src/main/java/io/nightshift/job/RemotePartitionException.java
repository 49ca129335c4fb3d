package io.nightshift.job;

import io.nightshift.NightshiftException;

/**
 * A remote-partitioning failure with its disposition: a broker that cannot be reached, a job repository that workers
 * cannot share, a manager that gave up waiting.
 */
public final class RemotePartitionException extends NightshiftException {

    RemotePartitionException(Disposition disposition, String message, Throwable cause) {
        super(disposition, message, cause);
    }
}
