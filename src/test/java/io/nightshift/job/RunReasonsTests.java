package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

/**
 * The reason status shows for an execution: the one its process recorded, else one derived from the stack traces
 * Spring Batch stored, else one that says none was recorded; never none for a failed or stopped execution.
 */
class RunReasonsTests {

    @Test
    void aRecordedReasonIsShownAsRecorded() {
        // given
        JobExecution execution = execution(BatchStatus.FAILED, "java.lang.IllegalStateException: something else");
        execution.getExecutionContext().putString(RunReasons.REASON_KEY, "Cannot read file:///in/a.parquet: truncated");

        // then
        assertThat(RunReasons.of(execution)).isEqualTo("Cannot read file:///in/a.parquet: truncated");
    }

    @Test
    void withoutARecordedReasonOursIsFoundInTheStoredStackTraces() {
        // given: the job's exit description is Spring Batch's wrapper; the partition's holds our exception as a cause
        JobExecution execution = execution(BatchStatus.FAILED, """
                org.springframework.batch.core.job.JobInterruptedException: Partition handler returned an unsuccessful step
                \tat org.springframework.batch.core.partition.PartitionStep.doExecute(PartitionStep.java:120)
                """);
        StepExecution partition = new StepExecution(7L, "score-partition:partition-0", execution);
        partition.setStatus(BatchStatus.FAILED);
        partition.setExitStatus(ExitStatus.FAILED.addExitDescription("""
                java.lang.RuntimeException: wrapped
                \tat io.nightshift.scoring.PartitionReader.read(PartitionReader.java:80)
                Caused by: io.nightshift.parquet.ParquetFormatException: Cannot read row group 2 of file:///in/b.parquet: bad page
                \tat io.nightshift.parquet.ColumnarParquetReader.next(ColumnarParquetReader.java:99)
                """));
        execution.addStepExecutions(java.util.List.of(partition));

        // then
        assertThat(RunReasons.of(execution)).isEqualTo("Cannot read row group 2 of file:///in/b.parquet: bad page");
    }

    @Test
    void aFailureWithNothingStoredStillGetsAReason() {
        assertThat(RunReasons.of(execution(BatchStatus.FAILED, ""))).startsWith("failed without a recorded reason (exit code FAILED)");
    }

    @Test
    void stoppedAndAbandonedExecutionsSaySoAndCompletedOrRunningOnesHaveNoReason() {
        assertThat(RunReasons.of(execution(BatchStatus.STOPPED, ""))).contains("stopped on request").contains("relaunch");
        assertThat(RunReasons.of(execution(BatchStatus.ABANDONED, ""))).contains("abandoned");
        assertThat(RunReasons.of(execution(BatchStatus.COMPLETED, ""))).isNull();
        assertThat(RunReasons.of(execution(BatchStatus.STARTED, ""))).isNull();
    }

    private static JobExecution execution(BatchStatus status, String exitDescription) {
        JobExecution execution = new JobExecution(5L, new JobInstance(3L, ScoringJobConfiguration.JOB_NAME), new JobParameters());
        execution.setStatus(status);
        execution.setExitStatus(new ExitStatus(status.name(), exitDescription));
        return execution;
    }
}
