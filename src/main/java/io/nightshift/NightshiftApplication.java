package io.nightshift;

import io.nightshift.budget.BudgetClock;
import io.nightshift.commit.OutputCommitter;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.model.ModelCache;
import io.nightshift.model.ModelReferences;
import io.nightshift.model.ModelResolver;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.scoring.LoadedModels;
import io.nightshift.scoring.RunFence;
import io.nightshift.scoring.ScoringPlanner;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.RoutingStorage;
import io.nightshift.storage.S3Settings;
import io.nightshift.storage.S3Storage;
import io.nightshift.storage.Storage;
import java.time.Clock;
import java.util.Locale;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Spring application behind every command. Wires the feature packages together; the command line
 * ({@code cli/}) decides which parts run.
 */
@SpringBootApplication
@EnableConfigurationProperties(NightshiftProperties.class)
public class NightshiftApplication {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    BudgetClock budgetClock() {
        return BudgetClock.system();
    }

    @Bean(destroyMethod = "close")
    RoutingStorage storage(NightshiftProperties properties) {
        NightshiftProperties.S3 s3 = properties.s3();
        S3Settings settings = new S3Settings(s3.region(), s3.endpoint() == null || s3.endpoint().isBlank() ? null : s3.endpoint(),
                s3.pathStyle(), s3.maxAttempts(), s3.multipartThreshold().toBytes(), s3.partSize().toBytes(), s3.uploadAttempts());
        return new RoutingStorage(new LocalStorage(), () -> new S3Storage(settings));
    }

    @Bean
    ModelCache modelCache(NightshiftProperties properties) {
        return new ModelCache(properties.home().resolve("models"));
    }

    /** References such as {@code churn@production} go to the model registry ({@code model/registry}). */
    @Bean
    ModelResolver modelResolver(Storage storage, ModelCache cache, ModelReferences references) {
        return new ModelResolver(storage, cache, references);
    }

    @Bean(destroyMethod = "close")
    LoadedModels loadedModels(NightshiftMetrics metrics) {
        return new LoadedModels(Runtime.getRuntime().availableProcessors(), metrics);
    }

    @Bean
    OutputCommitter outputCommitter(Storage storage) {
        return new OutputCommitter(storage);
    }

    @Bean
    ScoringPlanner scoringPlanner(Storage storage, ModelResolver models, LoadedModels loadedModels, OutputCommitter committer) {
        return new ScoringPlanner(storage, models, loadedModels, committer);
    }

    @Bean
    WriterOptions writerOptions(NightshiftProperties properties) {
        NightshiftProperties.Output output = properties.output();
        return new WriterOptions(output.rowGroupSize().toBytes(), (int) output.pageSize().toBytes(),
                CompressionCodecName.valueOf(output.codec().toUpperCase(Locale.ROOT)));
    }

    @Bean
    ScoringSteps scoringSteps(Storage storage, ModelResolver models, LoadedModels loadedModels, WriterOptions writerOptions,
            RunFence fence, NightshiftMetrics metrics) {
        return new ScoringSteps(storage, models, loadedModels, writerOptions, fence, metrics);
    }
}
