package io.nightshift.model;

/**
 * A batch of model input: {@code rows × width} raw feature values in row-major order. Nulls arrive as NaN and are
 * replaced by the feature's fill value when the block is scored, with the model's preprocessing, into the scorer's own
 * buffer (the block itself is left as it is).
 */
public record FeatureBlock(float[] values, int rows, int width) {
    public FeatureBlock {
        if (values == null) {
            throw new NullPointerException("values is null");
        }
        if (rows < 0 || width < 1 || (long) rows * width > values.length) {
            throw new IllegalArgumentException("block of " + rows + " × " + width + " does not fit " + values.length + " values");
        }
    }
}
