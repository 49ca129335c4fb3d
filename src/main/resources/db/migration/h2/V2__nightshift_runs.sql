-- What a run was asked to do (its settings as JSON), keyed by the identifying job parameter run.key.
CREATE TABLE NS_RUN (
    RUN_KEY VARCHAR(64) NOT NULL PRIMARY KEY,
    JOB_NAME VARCHAR(100) NOT NULL,
    SETTINGS CLOB NOT NULL,
    CREATED_AT TIMESTAMP(6) NOT NULL
);

-- Liveness of the process executing a job execution. A RUNNING execution whose owner is gone (dead pid on this
-- host, or heartbeat older than the lease timeout) may be marked FAILED and relaunched; a live one may not.
CREATE TABLE NS_RUN_LEASE (
    JOB_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
    OWNER_HOST VARCHAR(255) NOT NULL,
    OWNER_PID BIGINT NOT NULL,
    HEARTBEAT_AT TIMESTAMP(6) NOT NULL
);
