-- Leases per run (job instance) with an epoch, a fencing token: takeover is a conditional update that increments
-- it, renewals and chunk commits are conditional on it, and every part file carries the epoch it was written at.
-- A released lease keeps its row, so epochs only grow. (The per-execution table it replaces held nothing durable.)
DROP TABLE NS_RUN_LEASE;
CREATE TABLE NS_RUN_LEASE (
    RUN_ID BIGINT NOT NULL PRIMARY KEY,
    EPOCH BIGINT NOT NULL,
    JOB_EXECUTION_ID BIGINT,
    OWNER_HOST VARCHAR(255) NOT NULL,
    OWNER_PID BIGINT NOT NULL,
    HEARTBEAT_AT TIMESTAMP(6) NOT NULL,
    RELEASED BOOLEAN NOT NULL
);
