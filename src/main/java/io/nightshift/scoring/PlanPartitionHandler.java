package io.nightshift.scoring;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.MDC;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Runs a plan's partitions on local threads: as many partitions as the plan has, at most {@code threads} at once.
 * On a relaunch the splitter hands back only partitions that did not complete, with their saved checkpoints.
 */
public final class PlanPartitionHandler implements PartitionHandler {

    private final ScoringWorkerStep workerStep;
    private final ScoringSteps steps;

    public PlanPartitionHandler(ScoringWorkerStep workerStep, ScoringSteps steps) {
        this.workerStep = workerStep;
        this.steps = steps;
    }

    @Override
    public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStepExecution) throws Exception {
        ScoringPlan plan = steps.plan(managerStepExecution.getJobExecution().getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("score-" + plan.runKey().substring(0, 8) + "-");
        executor.setConcurrencyLimit(plan.settings().threads());
        executor.setTaskDecorator(PlanPartitionHandler::withLogContext);
        TaskExecutorPartitionHandler delegate = new TaskExecutorPartitionHandler();
        delegate.setStep(workerStep);
        delegate.setTaskExecutor(executor);
        delegate.setGridSize(plan.partitions().size());
        delegate.afterPropertiesSet();
        return delegate.handle(countingCompleted(splitter, plan, managerStepExecution), managerStepExecution);
    }

    /**
     * Partition threads are new threads: their lines (reader, processor, writer) carry the run's log context (run id,
     * job, model), copied from the thread that hands the partitions out; the reader adds the partition.
     */
    private static Runnable withLogContext(Runnable partition) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                partition.run();
            } finally {
                MDC.clear();
            }
        };
    }

    /**
     * On a relaunch the splitter returns only partitions that did not complete; the rows of the others are done
     * already, and the run's progress must say so (they are never opened again to report it themselves).
     */
    private StepExecutionSplitter countingCompleted(StepExecutionSplitter splitter, ScoringPlan plan, StepExecution managerStepExecution) {
        RunProgress progress = steps.progress(plan, managerStepExecution.getJobExecution());
        return new StepExecutionSplitter() {
            @Override
            public String getStepName() {
                return splitter.getStepName();
            }

            @Override
            public Set<StepExecution> split(StepExecution stepExecution, int gridSize) throws JobExecutionException {
                Set<StepExecution> toRun = splitter.split(stepExecution, gridSize);
                Set<Integer> running = new HashSet<>();
                toRun.forEach(execution -> running.add(ScoringWorkerStep.partitionIndex(execution)));
                for (ScoringPlan.PlannedPartition partition : plan.partitions()) {
                    if (!running.contains(partition.index())) {
                        progress.addCommitted(partition.rows());
                    }
                }
                return toRun;
            }
        };
    }
}
