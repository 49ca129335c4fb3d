package io.nightshift.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

class ScoringWorkerStepTests {

    @Test
    void thePartitionComesFromTheStepExecutionsNameEvenWhenItsContextIsEmpty() {
        // given: a partition step execution restored with an empty context (killed before Batch saved it)
        StepExecution execution = stepExecution(ScoringWorkerStep.NAME + ":partition-00042");

        // when
        int partition = ScoringWorkerStep.partitionIndex(execution);

        // then
        assertThat(execution.getExecutionContext().isEmpty()).isTrue();
        assertThat(partition).isEqualTo(42);
    }

    @Test
    void aStepExecutionOfAnotherStepIsRefused() {
        assertThatThrownBy(() -> ScoringWorkerStep.partitionIndex(stepExecution("plan")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("step execution plan");
    }

    private static StepExecution stepExecution(String name) {
        JobExecution jobExecution = new JobExecution(1L, new JobInstance(1L, "scoring"), new JobParameters());
        return new StepExecution(2L, name, jobExecution);
    }
}
