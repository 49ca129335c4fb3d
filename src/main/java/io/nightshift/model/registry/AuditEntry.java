package io.nightshift.model.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of the audit trail: who did what to which model version, when and why; for an alias move, the alias with
 * its previous and new target.
 *
 * @param action register, gate, approve, reject, promote, rollback or alias
 */
public record AuditEntry(long id, Instant at, String actor, String action, String model, Integer version, String alias,
        Integer previousVersion, Integer newVersion, String reason) {

    public AuditEntry {
        requireNonNull(at, "at is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(model, "model is null");
    }
}
