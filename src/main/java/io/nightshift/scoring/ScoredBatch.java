package io.nightshift.scoring;

import io.nightshift.model.RejectReason;
import io.nightshift.parquet.ColumnVector;

/**
 * The result of one batch: the scored rows (copied columns compacted to the rows that passed validation, plus one
 * float column per model output) and the rows that were rejected, with reasons.
 */
record ScoredBatch(int rows, ColumnVector[] copiedColumns, float[][] scores, Rejects rejects) {

    int rejected() {
        return rejects.count();
    }

    /** Rejected rows of a batch: ids, row indexes within the source file, reason codes and messages. */
    record Rejects(String fileUri, ColumnVector ids, long[] rowIndexes, RejectReason[] reasons, String[] messages, int count) {
        static Rejects none(String fileUri, ColumnVector emptyIds) {
            return new Rejects(fileUri, emptyIds, new long[0], new RejectReason[0], new String[0], 0);
        }
    }
}
