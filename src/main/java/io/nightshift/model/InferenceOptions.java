package io.nightshift.model;

/**
 * How a model runs: on which device, and how many ONNX Runtime threads each predictor may use. ONNX Runtime sizes
 * its pool from the host's cores, not the pod's CPU limit (onnxruntime#29510), so the caller sets it explicitly:
 * CPU limit divided by the number of predictors running at once.
 */
public record InferenceOptions(Device device, int intraOpThreads) {

    public enum Device { CPU, GPU }

    public InferenceOptions {
        if (device == null) {
            throw new NullPointerException("device is null");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
        }
    }

    public static InferenceOptions cpu(int intraOpThreads) {
        return new InferenceOptions(Device.CPU, intraOpThreads);
    }

    /** Parses {@code cpu} or {@code gpu} as written in job specs and settings. */
    public static Device device(String value) {
        return switch (value == null ? "cpu" : value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.CPU;
            case "gpu", "cuda" -> Device.GPU;
            default -> throw new IllegalArgumentException("device must be cpu or gpu, was '" + value + "'");
        };
    }
}
