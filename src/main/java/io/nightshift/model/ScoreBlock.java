package io.nightshift.model;

/** Model output for a {@link FeatureBlock}: one float column per output column, in {@link LoadedModel#outputColumns()} order. */
public record ScoreBlock(float[][] columns, int rows) {
    public ScoreBlock {
        if (columns == null) {
            throw new NullPointerException("columns is null");
        }
    }
}
