package io.nightshift.job;

import io.nightshift.NightshiftProperties;
import io.nightshift.gate.PromotionGate;
import io.nightshift.model.ModelCache;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelState;
import io.nightshift.model.registry.ModelVersion;
import io.nightshift.model.registry.Registration;
import io.nightshift.retrain.Retrainer;
import io.nightshift.retrain.TrainingResult;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The retraining job of a {@code kind: retrain} spec: {@code train} (a candidate directory under the run's work area,
 * {@code <home>/retrain/run-<id>/candidate}, published by one rename, so a relaunch finds either nothing or the whole
 * directory and reuses it) → {@code register} (the candidate registered by the job's identity, once: a version of the
 * model whose model.onnx has the candidate's sha256 is this run's, registered before a kill) → {@code gate} (the
 * promotion gate against production). Training is deterministic (same data, spec and seed, same bytes), which is what
 * lets the sha256 stand for the run.
 */
@Configuration(proxyBeanMethods = false)
class RetrainJobConfiguration {

    static final String JOB_NAME = "retrain";
    static final String VERSION_KEY = "nightshift.retrain.version";
    static final String DECISION_KEY = "nightshift.retrain.decision";
    static final String REPORT_KEY = "nightshift.retrain.report";
    private static final String CANDIDATE_DIRECTORY = "candidate";

    @Bean
    Job retrainJob(JobRepository jobRepository, PlatformTransactionManager transactionManager, RunStore runs, Storage storage,
            ModelRegistry registry, PromotionGate gate, NightshiftProperties properties, RunListener listener) {
        Path workAreas = properties.home().resolve("retrain");
        Step train = new StepBuilder("train", jobRepository)
                .tasklet((contribution, chunkContext) -> {
                    RetrainSettings settings = settings(runs, contribution);
                    Path workArea = workAreas.resolve("run-" + runId(contribution));
                    Path candidate = workArea.resolve(CANDIDATE_DIRECTORY);
                    if (!Files.isRegularFile(candidate.resolve(TrainingResult.MODEL_FILE))) {
                        Path staging = workArea.resolve(CANDIDATE_DIRECTORY + ".staging");
                        deleteRecursively(staging);
                        TrainingResult result = new Retrainer(storage).train(settings.training());
                        result.writeModelDirectory(staging, settings.model(), "run-" + runId(contribution));
                        Files.move(staging, candidate, StandardCopyOption.ATOMIC_MOVE);
                    }
                    return RepeatStatus.FINISHED;
                }, transactionManager)
                .build();
        Step register = new StepBuilder("register", jobRepository)
                .tasklet((contribution, chunkContext) -> {
                    RetrainSettings settings = settings(runs, contribution);
                    Path candidate = workAreas.resolve("run-" + runId(contribution)).resolve(CANDIDATE_DIRECTORY);
                    int version = registered(registry, settings.model(), candidate).map(ModelVersion::version)
                            .orElseGet(() -> registry.register(new Registration(candidate.toString(), settings.model(), List.of(), null,
                                    settings.registerAs(), "trained by run " + runId(contribution))).version());
                    put(contribution, VERSION_KEY, Integer.toString(version));
                    return RepeatStatus.FINISHED;
                }, transactionManager)
                .build();
        Step gateStep = new StepBuilder("gate", jobRepository)
                .tasklet((contribution, chunkContext) -> {
                    RetrainSettings settings = settings(runs, contribution);
                    Path candidate = workAreas.resolve("run-" + runId(contribution)).resolve(CANDIDATE_DIRECTORY);
                    ModelVersion version = registered(registry, settings.model(), candidate).orElseThrow(() -> new IllegalStateException(
                            "the candidate of run " + runId(contribution) + " is not registered, though its register step completed"));
                    put(contribution, VERSION_KEY, Integer.toString(version.version()));
                    if (version.gateRuns() > 0) {
                        // Gated by this run before a kill: the result is recorded; gating it again would count twice.
                        put(contribution, DECISION_KEY, version.state() == ModelState.GATE_FAILED ? "REJECTED" : version.state().name());
                        put(contribution, REPORT_KEY, version.reportUri());
                        return RepeatStatus.FINISHED;
                    }
                    PromotionGate.Outcome outcome = gate.gate(new PromotionGate.Request(settings.model(), version.version(), null,
                            settings.holdout(), settings.labelColumn(), settings.policy(), settings.recent(), null, settings.registerAs()));
                    put(contribution, DECISION_KEY, outcome.recorded().state() == ModelState.PROMOTED ? "PROMOTED"
                            : outcome.result().decision().name());
                    put(contribution, REPORT_KEY, outcome.reportLocation());
                    return RepeatStatus.FINISHED;
                }, transactionManager)
                .build();
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(listener)
                .start(train)
                .next(register)
                .next(gateStep)
                .build();
    }

    /** What a retraining execution reports: the version it registered, the gate's decision and the report; else empty. */
    static Map<String, String> details(JobExecution execution) {
        Map<String, String> details = new LinkedHashMap<>();
        if (!JOB_NAME.equals(execution.getJobInstance().getJobName())) {
            return details;
        }
        String model = null;
        Map<String, String> values = new LinkedHashMap<>();
        for (StepExecution step : execution.getStepExecutions()) {
            for (String key : List.of(VERSION_KEY, DECISION_KEY, REPORT_KEY)) {
                if (step.getExecutionContext().containsKey(key)) {
                    values.put(key, step.getExecutionContext().getString(key));
                }
            }
        }
        for (String key : List.of(VERSION_KEY, DECISION_KEY, REPORT_KEY)) {
            if (!values.containsKey(key) && execution.getExecutionContext().containsKey(key)) {
                values.put(key, execution.getExecutionContext().getString(key));
            }
        }
        if (values.containsKey(VERSION_KEY)) {
            details.put("registered", "version " + values.get(VERSION_KEY));
        }
        if (values.containsKey(DECISION_KEY)) {
            details.put("decision", values.get(DECISION_KEY));
        }
        if (values.containsKey(REPORT_KEY)) {
            details.put("report", values.get(REPORT_KEY));
        }
        return details;
    }

    /** The model's version whose model.onnx is the candidate's: registered by this run (training is deterministic). */
    private static Optional<ModelVersion> registered(ModelRegistry registry, String model, Path candidate) throws IOException {
        String sha256 = ModelCache.sha256(Files.readAllBytes(candidate.resolve(TrainingResult.MODEL_FILE)));
        return registry.models().stream().filter(view -> view.name().equals(model)).flatMap(view -> view.versions().stream())
                .filter(version -> version.onnxSha256().equals(sha256)).findFirst();
    }

    private static RetrainSettings settings(RunStore runs, StepContribution contribution) {
        String runKey = contribution.getStepExecution().getJobExecution().getJobParameters().getString(ScoringJobConfiguration.RUN_KEY);
        return runs.retrainRequest(runKey).orElseThrow(() -> new IllegalStateException("No retrain spec stored for run key " + runKey))
                .settings();
    }

    private static long runId(StepContribution contribution) {
        return contribution.getStepExecution().getJobExecution().getJobInstance().getInstanceId();
    }

    /** In the step's context (committed with the step) and the job's (what the run's outcome reads). */
    private static void put(StepContribution contribution, String key, String value) {
        contribution.getStepExecution().getExecutionContext().putString(key, value);
        contribution.getStepExecution().getJobExecution().getExecutionContext().putString(key, value);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear the half-written candidate " + directory, e);
        }
    }
}
