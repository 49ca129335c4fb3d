package io.nightshift.job;

import io.nightshift.NightshiftProperties;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.model.ModelResolver;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.scoring.LoadedModels;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import io.nightshift.storage.Storage;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Remote partitioning's wiring: the queue (over Spring Boot's RabbitMQ connection factory, which connects only when a
 * remote run or a worker first uses it), the manager's handler, and the worker's partition executor with its own
 * partition-lease fence. Also the check that refuses remote mode on a job repository the workers cannot share.
 */
@Configuration(proxyBeanMethods = false)
class RemotePartitioningConfiguration {

    @Bean
    PartitionQueue partitionQueue(ConnectionFactory connectionFactory, NightshiftProperties properties, Environment environment) {
        String addresses = environment.getProperty("spring.rabbitmq.addresses");
        String broker = addresses != null && !addresses.isBlank() ? addresses
                : environment.getProperty("spring.rabbitmq.host", "localhost") + ":" + environment.getProperty("spring.rabbitmq.port", "5672");
        return new PartitionQueue(connectionFactory, properties.remote().queue(), broker);
    }

    @Bean
    RemotePartitionHandler remotePartitionHandler(JobRepository jobRepository, ScoringSteps steps, PartitionQueue queue,
            NightshiftProperties properties) {
        return new RemotePartitionHandler(jobRepository, steps, queue, properties.remote());
    }

    @Bean
    SharedRepository sharedRepository(DataSource dataSource) {
        return new SharedRepository(dataSource);
    }

    /**
     * The worker's own scoring steps: the same as a local run's but fenced by partition leases instead of the run's
     * lease (which the manager holds). Not a {@code RunFence} bean, so the local run's wiring stays unambiguous.
     */
    @Bean(destroyMethod = "close")
    @Lazy
    PartitionWorker partitionWorker(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcTemplate jdbc,
            Clock clock, NightshiftProperties properties, Storage storage, ModelResolver models, LoadedModels loadedModels,
            WriterOptions writerOptions, NightshiftMetrics metrics) {
        PartitionLeases leases = new PartitionLeases(jdbc, clock, properties.lease().heartbeat(), properties.lease().timeout());
        ScoringSteps steps = new ScoringSteps(storage, models, loadedModels, writerOptions, leases, metrics);
        return new PartitionWorker(jobRepository,
                new ScoringWorkerStep(jobRepository, transactionManager, steps), steps, leases, properties.lease().heartbeat());
    }
}
