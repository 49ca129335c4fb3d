-- Leases per partition of a run scored by remote workers (partitions.mode: remote), with an epoch as NS_RUN_LEASE
-- has: a worker takes a partition with one conditional insert or update (epoch + 1, only while the epoch is the one it
-- saw and the holder is gone), renews and fences every chunk commit on it, so one partition never runs on two workers
-- at once, even when the broker hands the same message to a second worker. Released leases keep their rows: epochs
-- only grow, and they tell afterwards how many workers a partition took. (Version 7.1: beside any V7 of another change.)
CREATE TABLE NS_PARTITION_LEASE (
    RUN_ID BIGINT NOT NULL,
    PARTITION_INDEX INT NOT NULL,
    EPOCH BIGINT NOT NULL,
    STEP_EXECUTION_ID BIGINT,
    OWNER_HOST VARCHAR(255) NOT NULL,
    OWNER_PID BIGINT NOT NULL,
    HEARTBEAT_AT TIMESTAMP(6) NOT NULL,
    RELEASED BOOLEAN NOT NULL,
    PRIMARY KEY (RUN_ID, PARTITION_INDEX)
);
