package io.nightshift.scoring;

import io.nightshift.NightshiftException;

/**
 * Proof that this process still holds a run, for writes that must not land after another process took the run over.
 * The epoch is the lease's fencing token: it grows with every takeover and is recorded in every part file's name and
 * footer, so a commit can tell a current holder's parts from a superseded one's.
 */
public interface RunFence {

    /** The epoch at which this process holds the run. */
    long epoch(long runId);

    /**
     * Called inside a chunk's (or the commit's) transaction: throws {@link RunTakenOverException} when the run's lease
     * has moved to another holder, and otherwise keeps the lease from moving until the transaction ends, so nothing of
     * a superseded holder commits after a takeover.
     */
    void check(long runId);

    /** A process took over a run this process was executing; this process must stop without committing. */
    final class RunTakenOverException extends NightshiftException {
        public RunTakenOverException(String message) {
            super(Disposition.RELAUNCHABLE, message, null);
        }
    }
}
