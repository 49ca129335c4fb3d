package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelException;
import io.nightshift.model.ModelReferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs directory as the scheduler sees it: a bad file is kept with its error and never disables a good one. */
class JobRegistryTests {

    @TempDir
    Path jobs;
    Path model;

    @BeforeEach
    void createModel() throws IOException {
        model = Files.writeString(jobs.resolve("model.onnx"), "not read here");
    }

    private Path spec(String file, String name, String schedule) throws IOException {
        return Files.writeString(jobs.resolve(file), "name: " + name + "\nmodel: " + model + "\ninput: in/*.parquet\n"
                + "output: out/{fire_date}\n" + schedule);
    }

    private static JobRegistry.JobState state(List<JobRegistry.JobState> states, String file) {
        return states.stream().filter(state -> state.file().getFileName().toString().equals(file)).findFirst().orElseThrow();
    }

    @Test
    void aBadFileIsKeptWithItsErrorAndTheGoodOneStaysScheduled() throws IOException {
        // given
        spec("good.yaml", "good", "schedule:\n  cron: 0 0 2 * * ?\n  timezone: Europe/Berlin\n");
        spec("bad.yaml", "bad", "schedule:\n  cron: 0 0 2 * *\n");

        // when
        List<JobRegistry.JobState> states = new JobRegistry(jobs).reload();

        // then
        assertThat(state(states, "good.yaml").status()).isEqualTo(JobRegistry.Status.SCHEDULED);
        assertThat(state(states, "good.yaml").nextFires()).hasSize(3);
        JobRegistry.JobState bad = state(states, "bad.yaml");
        assertThat(bad.status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(bad.name()).isEqualTo("bad");
        assertThat(bad.error()).contains(jobs.resolve("bad.yaml").toString()).contains("'schedule.cron'");
        assertThat(bad.scheduled()).isFalse();
    }

    @Test
    void aRegistryReferenceIsCheckedAgainstTheRegistryAndAnUnknownOneMakesTheSpecInvalid() throws IOException {
        // given: a registry that knows churn@production only
        ModelReferences registry = new ModelReferences() {
            @Override
            public ModelArtifact resolve(String reference) {
                throw new AssertionError("validation must not read the model's files");
            }

            @Override
            public void requireKnown(String reference) {
                if (!reference.equals("churn@production")) {
                    throw new ModelException("Cannot load " + reference + ": no model named fraud is registered");
                }
            }
        };
        Files.writeString(jobs.resolve("known.yaml"), "name: known\nmodel: churn@production\ninput: in\noutput: out\n"
                + "schedule:\n  cron: 0 0 2 * * ?\n");
        Files.writeString(jobs.resolve("unknown.yaml"), "name: unknown\nmodel: fraud@production\ninput: in\noutput: out\n"
                + "schedule:\n  cron: 0 0 2 * * ?\n");

        // when
        List<JobRegistry.JobState> states = new JobRegistry(jobs, registry).reload();

        // then
        assertThat(state(states, "known.yaml").status()).isEqualTo(JobRegistry.Status.SCHEDULED);
        JobRegistry.JobState unknown = state(states, "unknown.yaml");
        assertThat(unknown.status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(unknown.error()).contains(jobs.resolve("unknown.yaml").toString())
                .contains("'model' fraud@production is not a registered version").contains("no model named fraud");
    }

    @Test
    void theExampleJobsLoadAndTheRetrainingJobIsKeptButNotFired() {
        // when: the repository's own jobs/ (a scoring job on churn@production, the demo, a disabled retraining job)
        List<JobRegistry.JobState> states = new JobRegistry(Path.of("jobs"), new ModelReferences() {
            @Override
            public ModelArtifact resolve(String reference) {
                throw new AssertionError("not read while validating");
            }

            @Override
            public void requireKnown(String reference) {
                // a registry where churn@production exists
            }
        }).reload();

        // then: the production job is scheduled; the retraining job is valid, kept, never fired (the demo's spec names the
        // model the demo writes into the home, so it is valid only once the demo ran)
        assertThat(state(states, "churn-nightly.yaml").status()).isEqualTo(JobRegistry.Status.SCHEDULED);
        assertThat(state(states, "retrain-churn.yaml").status()).isEqualTo(JobRegistry.Status.DISABLED);
        assertThat(state(states, "retrain-churn.yaml").error()).isNull();
    }

    @Test
    void anUnknownFieldIsAnErrorThatSuggestsTheFieldMeant() throws IOException {
        // given
        Files.writeString(jobs.resolve("typo.yaml"), "name: typo\nmodel: " + model + "\ninput: in\noutput: out\ncomit-interval: 5\n");

        // when
        JobRegistry.JobState typo = state(new JobRegistry(jobs).reload(), "typo.yaml");

        // then
        assertThat(typo.status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(typo.error()).contains("typo.yaml").contains("unknown setting 'comit-interval'; did you mean 'commit-interval'?");
    }

    @Test
    void aModelThatDoesNotExistIsAnErrorNamingTheField() throws IOException {
        // given
        Files.writeString(jobs.resolve("nomodel.yaml"), "name: nomodel\nmodel: models/missing\ninput: in\noutput: out\n");

        // when
        JobRegistry.JobState state = state(new JobRegistry(jobs).reload(), "nomodel.yaml");

        // then
        assertThat(state.status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(state.error()).contains("nomodel.yaml").contains("'model' " + jobs.resolve("models/missing") + " does not exist");
    }

    @Test
    void aFileThatTurnsBadKeepsItsLastValidVersionScheduled() throws IOException {
        // given
        JobRegistry registry = new JobRegistry(jobs);
        spec("nightly.yaml", "nightly", "schedule:\n  cron: 0 0 2 * * ?\n");
        registry.reload();

        // when
        spec("nightly.yaml", "nightly", "schedule:\n  cron: 0 0 2 * * ?\n  misfire: sometimes\n");
        JobRegistry.JobState state = state(registry.reload(), "nightly.yaml");

        // then
        assertThat(state.status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(state.error()).contains("'schedule.misfire'");
        assertThat(state.scheduled()).isTrue();
        assertThat(registry.scheduled("nightly")).isPresent();
    }

    @Test
    void aCronThatNeverFiresAgainIsAnErrorNamingTheField() throws IOException {
        // given
        spec("past.yaml", "past", "schedule:\n  cron: 0 0 2 1 1 ? 2020\n");

        // when
        JobRegistry.JobState state = state(new JobRegistry(jobs).reload(), "past.yaml");

        // then
        assertThat(state.status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(state.error()).contains("past.yaml").contains("'schedule.cron' '0 0 2 1 1 ? 2020' never fires after now");
    }

    @Test
    void aDisabledScheduleIsValidButNotFired() throws IOException {
        // given
        spec("paused.yaml", "paused", "schedule:\n  cron: 0 0 2 * * ?\n  enabled: false\n");
        spec("manual.yaml", "manual", "");

        // when
        JobRegistry registry = new JobRegistry(jobs);
        List<JobRegistry.JobState> states = registry.reload();

        // then
        assertThat(state(states, "paused.yaml").status()).isEqualTo(JobRegistry.Status.DISABLED);
        assertThat(state(states, "manual.yaml").status()).isEqualTo(JobRegistry.Status.MANUAL);
        assertThat(registry.scheduled("paused")).isEmpty();
        assertThat(registry.spec("paused")).isPresent();
    }

    @Test
    void twoFilesWithOneJobNameLeaveTheSecondInvalid() throws IOException {
        // given
        spec("a.yaml", "same", "schedule:\n  cron: 0 0 2 * * ?\n");
        spec("b.yaml", "same", "schedule:\n  cron: 0 0 3 * * ?\n");

        // when
        List<JobRegistry.JobState> states = new JobRegistry(jobs).reload();

        // then
        assertThat(state(states, "a.yaml").status()).isEqualTo(JobRegistry.Status.SCHEDULED);
        assertThat(state(states, "b.yaml").status()).isEqualTo(JobRegistry.Status.INVALID);
        assertThat(state(states, "b.yaml").error()).contains("'name' same is already the name of").contains("a.yaml");
    }

    @Test
    void aChangedFileIsNoticed() throws IOException {
        // given
        JobRegistry registry = new JobRegistry(jobs);
        spec("nightly.yaml", "nightly", "schedule:\n  cron: 0 0 2 * * ?\n");
        registry.reload();
        boolean before = registry.changed();

        // when
        spec("nightly.yaml", "nightly", "schedule:\n  cron: 0 30 2 * * ?\n  enabled: true\n");

        // then
        assertThat(before).isFalse();
        assertThat(registry.changed()).isTrue();
    }
}
