package io.nightshift.retrain;

/**
 * Per-feature mean and scale of a training set, so every family standardizes its inputs the same way and exports the
 * same preprocessing into {@code model.yaml}: {@code (x - mean) / scale}.
 */
record Standardization(double[] mean, double[] scale) {

    /**
     * Mean and population standard deviation of each column, by Welford's update: one pass, and no catastrophic
     * cancellation for large means with small spread. A constant column carries no information; scale 1 keeps it
     * (and its weight, driven to 0 by L2) finite. Both are rounded to float, the precision {@code model.yaml} keeps.
     */
    static Standardization of(float[] rowMajorFeatures, int rows, int width) {
        double[] mean = new double[width];
        double[] scale = new double[width];
        double[] squares = new double[width];
        for (int row = 0; row < rows; row++) {
            int offset = row * width;
            for (int column = 0; column < width; column++) {
                double value = rowMajorFeatures[offset + column];
                double delta = value - mean[column];
                mean[column] += delta / (row + 1);
                squares[column] += delta * (value - mean[column]);
            }
        }
        for (int column = 0; column < width; column++) {
            double deviation = Math.sqrt(squares[column] / rows);
            // Rounded to float here, not at export: the model is then trained on exactly the preprocessing it ships with.
            mean[column] = (float) mean[column];
            scale[column] = deviation > 0 && Float.isFinite((float) deviation) && (float) deviation > 0 ? (float) deviation : 1;
        }
        return new Standardization(mean, scale);
    }

    /** The mean rounded to float, as {@code model.yaml} and the scoring path hold it. */
    float[] floatMean() {
        return toFloats(mean);
    }

    /** The scale rounded to float, as {@code model.yaml} and the scoring path hold it. */
    float[] floatScale() {
        return toFloats(scale);
    }

    /** Standardized copy of the features, in double so training does not accumulate float rounding. */
    double[] apply(float[] rowMajorFeatures, int width) {
        double[] standardized = new double[rowMajorFeatures.length];
        for (int index = 0; index < standardized.length; index++) {
            int column = index % width;
            standardized[index] = (rowMajorFeatures[index] - mean[column]) / scale[column];
        }
        return standardized;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int index = 0; index < values.length; index++) {
            floats[index] = (float) values[index];
        }
        return floats;
    }
}
