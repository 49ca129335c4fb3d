package io.nightshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * DJL translator built from the model's spec: pre-processing (fill, standardise) before the ONNX graph and
 * de-interleaving outputs into columns after it. Stateless, so one instance serves every predictor: the memory a
 * batch is written into belongs to the caller's {@link Input}.
 *
 * <p>No copy ONNX Runtime makes on the way in: the preprocessed values are copied in bulk into the scorer's reused
 * direct buffer in native byte order, and ONNX Runtime's tensor is created over that memory
 * ({@code OnnxTensor.ownsBuffer()} is false).
 * Handing DJL a {@code float[]} instead makes ONNX Runtime allocate and zero a fresh direct buffer per batch and copy
 * into it. On the way out each output is copied once, from ONNX Runtime's memory into the float array the writer gets.
 */
final class ModelTranslator implements NoBatchifyTranslator<ModelTranslator.Input, ScoreBlock> {

    /** One batch to score, and the direct buffer (owned by one scorer, reused across its batches) to put it in. */
    record Input(FeatureBlock block, InputBuffer buffer) {
    }

    /**
     * A direct, native-order float buffer that grows to the largest batch it has held; not thread-safe (one per
     * scorer). ONNX Runtime reads the tensor from this memory during the call, so it must not be refilled before the
     * call returns, which a single-threaded scorer guarantees.
     */
    static final class InputBuffer {
        private FloatBuffer floats = FloatBuffer.allocate(0);
        private float[] scratch = new float[0];

        /** The buffer for {@code count} floats: position 0, limit {@code count}. */
        FloatBuffer forFloats(int count) {
            if (floats.capacity() < count || !floats.isDirect()) {
                floats = ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            floats.clear();
            floats.limit(count);
            return floats;
        }

        /** A heap array of at least {@code count} floats to preprocess into before one bulk copy into the buffer. */
        float[] scratch(int count) {
            if (scratch.length < count) {
                scratch = new float[count];
            }
            return scratch;
        }
    }

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
    public NDList processInput(TranslatorContext context, Input input) {
        FeatureBlock block = input.block();
        float[] values = block.values();
        int width = block.width();
        int rows = block.rows();
        int count = rows * width;
        FloatBuffer target = input.buffer().forFloats(count);
        // Plain loops over heap arrays (which the JIT vectorises), then one bulk copy into the direct buffer: putting
        // value by value into a direct buffer is a bounds-checked call per value.
        boolean anyNaN = false;
        for (int i = 0; i < count; i++) {
            anyNaN |= values[i] != values[i];
        }
        if (identity && !anyNaN) {
            target.put(0, values, 0, count);
        } else {
            float[] prepared = input.buffer().scratch(count);
            for (int row = 0, index = 0; row < rows; row++) {
                for (int feature = 0; feature < width; feature++, index++) {
                    float value = values[index];
                    if (value != value) { // NaN: null or NaN with a fill value (rows without one were rejected already)
                        value = fill[feature];
                    }
                    prepared[index] = identity ? value : (value - mean[feature]) * inverseScale[feature];
                }
            }
            target.put(0, prepared, 0, count);
        }
        NDArray array = context.getNDManager().create(target, new Shape(rows, width), DataType.FLOAT32);
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
            float[] data = floats(array);
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

    /**
     * An output as floats with one copy: ONNX Runtime's {@code getFloatBuffer} copies its memory into a heap buffer
     * whose array is returned as is. DJL's {@code toFloatArray} would copy twice (into a heap byte buffer, then into a
     * new array). Other engines' arrays and other types go through DJL.
     */
    private static float[] floats(NDArray array) {
        if (array instanceof OrtNDArray ort && array.getDataType() == DataType.FLOAT32) {
            FloatBuffer copy = ort.getTensor().getFloatBuffer();
            if (copy.hasArray() && copy.arrayOffset() == 0 && copy.array().length == copy.remaining()) {
                return copy.array();
            }
            float[] data = new float[copy.remaining()];
            copy.get(data);
            return data;
        }
        return array.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static NDArray find(NDList list, String name, int index) {
        NDArray named = list.get(name);
        if (named != null) {
            return named;
        }
        return list.get(index);
    }
}
