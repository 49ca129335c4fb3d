package io.nightshift.model;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A model resolved from a user-given location: the local copy of its ONNX file, its spec and its identity.
 * {@code sha256} covers {@code model.onnx} followed by {@code model.yaml} (if any), so changing preprocessing
 * changes the identity a run records.
 */
public record ModelArtifact(String location, Path onnxFile, ModelSpec spec, boolean bare, String sha256) {
    public ModelArtifact {
        requireNonNull(location, "location is null");
        requireNonNull(onnxFile, "onnxFile is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(sha256, "sha256 is null");
    }

    public String name() {
        return spec.name();
    }

    public String version() {
        return spec.version();
    }

    /** {@code churn@3 (sha256 1a2b3c4d5e6f)}: how logs and errors name a model. */
    public String describe() {
        return spec.name() + "@" + spec.version() + " (sha256 " + sha256.substring(0, 12) + ")";
    }
}
