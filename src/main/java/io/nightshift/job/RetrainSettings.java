package io.nightshift.job;

import static java.util.Objects.requireNonNull;

import io.nightshift.retrain.TrainingSpec;
import java.nio.file.Path;

/**
 * What a {@code kind: retrain} job does: train a candidate of {@code model} from the {@code training:} block, register
 * it as {@code registerAs} (the identity the four-eyes rule keeps from approving it), and gate it against production.
 *
 * @param holdout     null for the policy's {@code holdout}
 * @param labelColumn null for the policy's {@code label_column}
 * @param policy      null for the gate's default ({@code <policies>/<model>.yaml})
 * @param recent      a recent input, for the policy's feature drift check; null when it has none
 * @param registerAs  who registers and gates the candidate; {@code job:<spec name>} unless the spec says otherwise
 */
public record RetrainSettings(String model, TrainingSpec training, String holdout, String labelColumn, Path policy, String recent, String registerAs) {

    public RetrainSettings {
        requireNonNull(model, "model is null");
        requireNonNull(training, "training is null");
        requireNonNull(registerAs, "registerAs is null");
        if (model.isBlank() || model.contains("@")) {
            throw new IllegalArgumentException("'model' of a retrain job is a model name (e.g. churn), not a reference: " + model);
        }
    }

    /** The default identity of a retraining job: {@code job:<spec name>}. */
    public static String jobIdentity(String jobName) {
        return "job:" + jobName;
    }
}
