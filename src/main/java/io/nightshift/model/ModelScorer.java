package io.nightshift.model;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;

/**
 * Scores feature blocks on one thread through its own DJL predictor; close it with try-with-resources. Every call
 * goes through its model's guard, so a model closed meanwhile fails the call instead of crashing the JVM.
 */
public final class ModelScorer implements AutoCloseable {

    private final Predictor<ModelTranslator.Input, ScoreBlock> predictor;
    private final String modelName;
    private final LoadedModel model;
    private final ModelTranslator.InputBuffer input = new ModelTranslator.InputBuffer();

    ModelScorer(Predictor<ModelTranslator.Input, ScoreBlock> predictor, String modelName, LoadedModel model) {
        this.predictor = predictor;
        this.modelName = modelName;
        this.model = model;
    }

    /**
     * Scores a block. The block is not changed: its values are preprocessed into this scorer's reused direct buffer,
     * which ONNX Runtime reads without a copy.
     */
    public ScoreBlock score(FeatureBlock block) {
        if (block.rows() == 0) {
            return new ScoreBlock(new float[0][], 0);
        }
        try {
            ScoreBlock scores = model.use("score a batch of " + block.rows() + " rows with model " + modelName,
                    () -> predictor.predict(new ModelTranslator.Input(block, input)));
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
        try {
            model.use("close a scorer of model " + modelName, () -> {
                predictor.close();
                return null;
            });
        } catch (ModelException e) {
            // The model (or ONNX Runtime) is closed already, and this predictor's native memory with it.
        }
    }
}
