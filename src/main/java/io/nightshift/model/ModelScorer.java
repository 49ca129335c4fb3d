package io.nightshift.model;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;

/** Scores feature blocks on one thread through its own DJL predictor; close it with try-with-resources. */
public final class ModelScorer implements AutoCloseable {

    private final Predictor<FeatureBlock, ScoreBlock> predictor;
    private final String modelName;

    ModelScorer(Predictor<FeatureBlock, ScoreBlock> predictor, String modelName) {
        this.predictor = predictor;
        this.modelName = modelName;
    }

    /** Scores a block; the block's values are preprocessed in place. */
    public ScoreBlock score(FeatureBlock block) {
        if (block.rows() == 0) {
            return new ScoreBlock(new float[0][], 0);
        }
        try {
            ScoreBlock scores = predictor.predict(block);
            if (scores.rows() != block.rows()) {
                throw new ModelException("Model " + modelName + " returned " + scores.rows() + " rows for " + block.rows()
                        + " input rows");
            }
            return scores;
        } catch (TranslateException e) {
            throw new ModelException("Model " + modelName + " failed on a batch of " + block.rows() + " rows: "
                    + LoadedModel.rootMessage(e), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
    }
}
