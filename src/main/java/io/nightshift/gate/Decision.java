package io.nightshift.gate;

/**
 * The gate's verdict on a candidate. The gate itself never promotes: it rejects, or says what promoting takes.
 */
public enum Decision {
    /** At least one check failed; the report lists every failed check. */
    REJECTED,
    /** Every check passed; promoting takes the policy's approvals (or, with none required, one person's promote command). */
    PENDING_APPROVAL,
    /** Every check passed and the policy allows automatic promotion (approvals_required 0, auto_promote true). */
    AUTO_PROMOTE
}
