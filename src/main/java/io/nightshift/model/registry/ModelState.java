package io.nightshift.model.registry;

/**
 * Where a registered version stands in promotion: REGISTERED → (gate) GATE_FAILED or PENDING_APPROVAL → (people)
 * PROMOTED or REJECTED; a promoted version becomes ARCHIVED when another one replaces it, or when it is rolled back.
 */
public enum ModelState {
    REGISTERED, GATE_FAILED, PENDING_APPROVAL, PROMOTED, REJECTED, ARCHIVED
}
