package io.nightshift.scoring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One (empty) execution context per planned partition; the grid size handed in is the plan's partition count. The
 * partition is identified by its step execution's name (see {@link ScoringWorkerStep#partitionIndex}), which Spring
 * Batch persists even when it does not get to save the context.
 */
public final class IndexPartitioner implements Partitioner {

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (int i = 0; i < gridSize; i++) {
            contexts.put(ScoringPlan.PlannedPartition.name(i), new ExecutionContext());
        }
        return contexts;
    }
}
