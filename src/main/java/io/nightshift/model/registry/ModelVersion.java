package io.nightshift.model.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One registered version as the registry records it.
 *
 * @param artifactUri           the store directory holding its model.onnx and model.yaml
 * @param sha256                of model.onnx followed by model.yaml: the identity a run records and pins
 * @param gateRuns              how many times the gate recorded a result for it
 * @param gateProductionVersion the production version the gate compared it with; null if none was in production, or
 *                              not gated yet
 * @param approvalsRequired     how many distinct people must approve it, as the gate decided; null before the gate
 */
public record ModelVersion(String name, int version, ModelState state, String registeredBy, Instant registeredAt,
        String sourceUri, String artifactUri, String sha256, String onnxSha256, String specSha256, String description,
        String reportUri, int gateRuns, Instant gatedAt, Integer gateProductionVersion, Integer approvalsRequired) {

    public ModelVersion {
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        requireNonNull(registeredBy, "registeredBy is null");
        requireNonNull(registeredAt, "registeredAt is null");
        requireNonNull(sourceUri, "sourceUri is null");
        requireNonNull(artifactUri, "artifactUri is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(onnxSha256, "onnxSha256 is null");
        requireNonNull(specSha256, "specSha256 is null");
    }

    /** {@code churn@3}: the reference that names exactly this version. */
    public String reference() {
        return name + "@" + version;
    }

    ModelVersion withState(ModelState newState) {
        return new ModelVersion(name, version, newState, registeredBy, registeredAt, sourceUri, artifactUri, sha256, onnxSha256,
                specSha256, description, reportUri, gateRuns, gatedAt, gateProductionVersion, approvalsRequired);
    }
}
