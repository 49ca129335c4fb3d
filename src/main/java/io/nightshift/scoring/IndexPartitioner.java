package io.nightshift.scoring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** One execution context per planned partition; the grid size handed in is the plan's partition count. */
public final class IndexPartitioner implements Partitioner {

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (int i = 0; i < gridSize; i++) {
            ExecutionContext context = new ExecutionContext();
            context.putInt(ScoringWorkerStep.PARTITION_INDEX_KEY, i);
            contexts.put("partition-%05d".formatted(i), context);
        }
        return contexts;
    }
}
