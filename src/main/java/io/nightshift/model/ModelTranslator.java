package io.nightshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;

/**
 * DJL translator built from the model's spec: pre-processing (fill, standardise) before the ONNX graph and
 * de-interleaving outputs into columns after it. Stateless, so one instance serves every predictor.
 */
final class ModelTranslator implements NoBatchifyTranslator<FeatureBlock, ScoreBlock> {

    private final String inputName;
    private final float[] fill;
    private final float[] mean;
    private final float[] inverseScale;
    private final boolean identity;
    private final List<String> outputNames;
    private final int[] outputWidths;

    ModelTranslator(String inputName, List<ModelSpec.FeatureSpec> features, List<String> outputNames, int[] outputWidths) {
        this.inputName = inputName;
        int width = features.size();
        this.fill = new float[width];
        this.mean = new float[width];
        this.inverseScale = new float[width];
        boolean allIdentity = true;
        for (int i = 0; i < width; i++) {
            ModelSpec.FeatureSpec feature = features.get(i);
            fill[i] = feature.fill() == null ? Float.NaN : feature.fill();
            mean[i] = feature.mean();
            inverseScale[i] = 1f / feature.scale();
            allIdentity &= feature.isIdentity();
        }
        this.identity = allIdentity;
        this.outputNames = outputNames;
        this.outputWidths = outputWidths;
    }

    @Override
    public NDList processInput(TranslatorContext context, FeatureBlock block) {
        float[] values = block.values();
        int width = block.width();
        int count = block.rows() * width;
        for (int i = 0; i < count; i++) {
            int feature = i % width;
            float value = values[i];
            if (Float.isNaN(value)) {
                value = fill[feature];
            }
            values[i] = identity ? value : (value - mean[feature]) * inverseScale[feature];
        }
        float[] input = count == values.length ? values : java.util.Arrays.copyOf(values, count);
        NDArray array = context.getNDManager().create(input, new Shape(block.rows(), width));
        if (inputName != null) {
            array.setName(inputName);
        }
        return new NDList(array);
    }

    @Override
    public ScoreBlock processOutput(TranslatorContext context, NDList list) {
        int totalColumns = 0;
        for (int width : outputWidths) {
            totalColumns += width;
        }
        float[][] columns = new float[totalColumns][];
        int rows = -1;
        int column = 0;
        for (int output = 0; output < outputNames.size(); output++) {
            NDArray array = find(list, outputNames.get(output), output);
            float[] data = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            int width = outputWidths[output];
            int outputRows = data.length / width;
            if (rows < 0) {
                rows = outputRows;
            }
            if (width == 1) {
                columns[column++] = data;
                continue;
            }
            for (int element = 0; element < width; element++) {
                float[] values = new float[outputRows];
                for (int row = 0; row < outputRows; row++) {
                    values[row] = data[row * width + element];
                }
                columns[column++] = values;
            }
        }
        return new ScoreBlock(columns, Math.max(rows, 0));
    }

    private static NDArray find(NDList list, String name, int index) {
        NDArray named = list.get(name);
        if (named != null) {
            return named;
        }
        return list.get(index);
    }
}
