package io.nightshift.model.onnx;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes small, real ONNX models (logistic regression, perceptron) so tests and demos have models without
 * downloading any and without a protobuf or ML library on the class path.
 *
 * <p>The bytes are a hand-encoded {@code onnx.ModelProto} (protobuf wire format: varints, fixed32 floats,
 * length-delimited strings and messages) using ONNX IR version 8, default-domain opset 17, and a symbolic
 * batch dimension {@value #BATCH_DIMENSION} so one model scores batches of any size. Only the handful of
 * fields these models need are written.
 */
public final class OnnxModelWriter {

    /** Name of the symbolic batch dimension of every input and output. */
    public static final String BATCH_DIMENSION = "N";
    /** Output of {@link #logisticRegressionTwoOutputs}: {@code [N, 2]} holding {@code (1 - p, p)}. */
    public static final String PROBABILITY_OUTPUT = "probability";
    /** Output of {@link #logisticRegressionTwoOutputs}: {@code [N, 1]} holding the linear score before the sigmoid. */
    public static final String LOGIT_OUTPUT = "logit";

    static final long IR_VERSION = 8;
    static final long OPSET_VERSION = 17;
    static final String PRODUCER_NAME = "nightshift";

    // Internal tensor names carry a prefix no caller uses, so they cannot collide with input or output names.
    private static final String INTERNAL = "nightshift/";

    private OnnxModelWriter() {
    }

    /**
     * Logistic regression: input {@code [N, F]} float, output {@code [N, 1]} = {@code Sigmoid(X · weights + bias)},
     * where {@code F = weights.length}.
     */
    public static byte[] logisticRegression(float[] weights, float bias, String inputName, String outputName,
            Map<String, String> metadata) {
        requireWeights(weights);
        requireNames(inputName, outputName);
        Graph graph = new Graph("logistic_regression");
        graph.input(inputName, weights.length);
        graph.initializer(INTERNAL + "weights", new long[] {weights.length, 1}, weights);
        graph.initializer(INTERNAL + "bias", new long[] {1}, new float[] {bias});
        graph.node("MatMul", List.of(inputName, INTERNAL + "weights"), INTERNAL + "linear");
        graph.node("Add", List.of(INTERNAL + "linear", INTERNAL + "bias"), INTERNAL + "logit");
        graph.node("Sigmoid", List.of(INTERNAL + "logit"), outputName);
        graph.output(outputName, 1);
        return model(graph, metadata);
    }

    /**
     * Logistic regression with two outputs, to exercise models whose result spans several columns:
     * {@value #PROBABILITY_OUTPUT} {@code [N, 2]} = {@code (1 - p, p)} and {@value #LOGIT_OUTPUT} {@code [N, 1]}
     * = {@code X · weights + bias}, where {@code p = Sigmoid(logit)}.
     */
    public static byte[] logisticRegressionTwoOutputs(float[] weights, float bias, String inputName,
            Map<String, String> metadata) {
        requireWeights(weights);
        requireNames(inputName, PROBABILITY_OUTPUT, LOGIT_OUTPUT);
        Graph graph = new Graph("logistic_regression_two_outputs");
        graph.input(inputName, weights.length);
        graph.initializer(INTERNAL + "weights", new long[] {weights.length, 1}, weights);
        graph.initializer(INTERNAL + "bias", new long[] {1}, new float[] {bias});
        graph.node("MatMul", List.of(inputName, INTERNAL + "weights"), INTERNAL + "linear");
        graph.node("Add", List.of(INTERNAL + "linear", INTERNAL + "bias"), LOGIT_OUTPUT);
        // Sigmoid(-z) rather than 1 - Sigmoid(z): exact for small probabilities instead of losing them to rounding.
        graph.node("Neg", List.of(LOGIT_OUTPUT), INTERNAL + "negative_logit");
        graph.node("Concat", List.of(INTERNAL + "negative_logit", LOGIT_OUTPUT), INTERNAL + "class_logits",
                Attribute.ofInt("axis", 1));
        graph.node("Sigmoid", List.of(INTERNAL + "class_logits"), PROBABILITY_OUTPUT);
        graph.output(PROBABILITY_OUTPUT, 2);
        graph.output(LOGIT_OUTPUT, 1);
        return model(graph, metadata);
    }

    /**
     * Perceptron with deterministic pseudo-random weights ({@link DenseLayer#seeded}): for layer sizes
     * {@code {30, 256, 256, 1}} the input is {@code [N, 30]} and the output {@code [N, 1]}.
     */
    public static byte[] multiLayerPerceptron(int[] layerSizes, long seed, String inputName, String outputName,
            Map<String, String> metadata) {
        return multiLayerPerceptron(DenseLayer.seeded(layerSizes, seed), inputName, outputName, metadata);
    }

    /**
     * Perceptron from given layers: {@code Gemm} per layer, {@code Relu} between layers and {@code Sigmoid} after
     * the last one.
     */
    public static byte[] multiLayerPerceptron(List<DenseLayer> layers, String inputName, String outputName,
            Map<String, String> metadata) {
        requireNonNull(layers, "layers is null");
        requireNames(inputName, outputName);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("A perceptron needs at least one layer");
        }
        for (int index = 1; index < layers.size(); index++) {
            if (layers.get(index).inputs() != layers.get(index - 1).outputs()) {
                throw new IllegalArgumentException("Layer " + index + " takes " + layers.get(index).inputs()
                        + " inputs but layer " + (index - 1) + " gives " + layers.get(index - 1).outputs());
            }
        }
        Graph graph = new Graph("multi_layer_perceptron");
        graph.input(inputName, layers.getFirst().inputs());
        String activation = inputName;
        for (int index = 0; index < layers.size(); index++) {
            DenseLayer layer = layers.get(index);
            String prefix = INTERNAL + "layer" + index + "/";
            graph.initializer(prefix + "weights", new long[] {layer.inputs(), layer.outputs()}, layer.weights());
            graph.initializer(prefix + "bias", new long[] {layer.outputs()}, layer.bias());
            graph.node("Gemm", List.of(activation, prefix + "weights", prefix + "bias"), prefix + "linear",
                    Attribute.ofFloat("alpha", 1.0f), Attribute.ofFloat("beta", 1.0f));
            boolean last = index == layers.size() - 1;
            String next = last ? outputName : prefix + "activation";
            graph.node(last ? "Sigmoid" : "Relu", List.of(prefix + "linear"), next);
            activation = next;
        }
        graph.output(outputName, layers.getLast().outputs());
        return model(graph, metadata);
    }

    /** Writes model bytes to a file, creating or replacing it. */
    public static void write(byte[] model, Path path) throws IOException {
        requireNonNull(model, "model is null");
        requireNonNull(path, "path is null");
        Files.write(path, model);
    }

    private static byte[] model(Graph graph, Map<String, String> metadata) {
        requireNonNull(metadata, "metadata is null");
        ProtoMessage model = new ProtoMessage();
        model.varint(1, IR_VERSION);
        model.string(2, PRODUCER_NAME);
        model.message(7, graph.encode());
        ProtoMessage opset = new ProtoMessage();
        // domain (field 1) left out: absent means the default "ai.onnx" domain.
        opset.varint(2, OPSET_VERSION);
        model.message(8, opset);
        // Sorted so the same metadata always gives the same bytes, whatever map the caller passed.
        for (Map.Entry<String, String> entry : new TreeMap<>(metadata).entrySet()) {
            ProtoMessage property = new ProtoMessage();
            property.string(1, requireNonNull(entry.getKey(), "metadata key is null"));
            property.string(2, requireNonNull(entry.getValue(), "metadata value of " + entry.getKey() + " is null"));
            model.message(14, property);
        }
        return model.toByteArray();
    }

    private static void requireWeights(float[] weights) {
        requireNonNull(weights, "weights is null");
        if (weights.length == 0) {
            throw new IllegalArgumentException("A logistic regression needs at least one weight");
        }
    }

    private static void requireNames(String... names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            requireNonNull(name, "tensor name is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("Tensor names must not be blank");
            }
            if (name.startsWith(INTERNAL)) {
                throw new IllegalArgumentException("Tensor name " + name + " uses the reserved prefix " + INTERNAL);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("Tensor name " + name + " is used twice; inputs and outputs need distinct names");
            }
        }
    }

    /** An attribute of a node: only FLOAT (type 1) and INT (type 2) are needed here. */
    private record Attribute(String name, int type, float floatValue, long intValue) {

        static Attribute ofFloat(String name, float value) {
            return new Attribute(name, 1, value, 0);
        }

        static Attribute ofInt(String name, long value) {
            return new Attribute(name, 2, 0, value);
        }

        ProtoMessage encode() {
            ProtoMessage attribute = new ProtoMessage();
            attribute.string(1, name);
            if (type == 1) {
                attribute.fixed32(2, Float.floatToRawIntBits(floatValue));
            } else {
                attribute.varint(3, intValue);
            }
            attribute.varint(20, type);
            return attribute;
        }
    }

    /** Collects a GraphProto's parts in order, then encodes them. */
    private static final class Graph {
        private static final int FLOAT = 1;

        private final String name;
        private final List<ProtoMessage> nodes = new ArrayList<>();
        private final List<ProtoMessage> initializers = new ArrayList<>();
        private final List<ProtoMessage> inputs = new ArrayList<>();
        private final List<ProtoMessage> outputs = new ArrayList<>();
        private final Map<String, Integer> nodeNames = new LinkedHashMap<>();

        Graph(String name) {
            this.name = name;
        }

        void input(String tensorName, long width) {
            inputs.add(valueInfo(tensorName, width));
        }

        void output(String tensorName, long width) {
            outputs.add(valueInfo(tensorName, width));
        }

        void initializer(String tensorName, long[] dims, float[] values) {
            ProtoMessage tensor = new ProtoMessage();
            for (long dim : dims) {
                tensor.varint(1, dim);
            }
            tensor.varint(2, FLOAT);
            tensor.string(8, tensorName);
            ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            tensor.bytes(9, raw.array());
            initializers.add(tensor);
        }

        void node(String opType, List<String> nodeInputs, String nodeOutput, Attribute... attributes) {
            ProtoMessage node = new ProtoMessage();
            for (String input : nodeInputs) {
                node.string(1, input);
            }
            node.string(2, nodeOutput);
            int count = nodeNames.merge(opType, 1, Integer::sum);
            node.string(3, opType.toLowerCase(Locale.ROOT) + "_" + count);
            node.string(4, opType);
            for (Attribute attribute : attributes) {
                node.message(5, attribute.encode());
            }
            nodes.add(node);
        }

        ProtoMessage encode() {
            ProtoMessage graph = new ProtoMessage();
            nodes.forEach(node -> graph.message(1, node));
            graph.string(2, name);
            initializers.forEach(initializer -> graph.message(5, initializer));
            inputs.forEach(input -> graph.message(11, input));
            outputs.forEach(output -> graph.message(12, output));
            return graph;
        }

        /** ValueInfoProto of a float tensor shaped {@code [N, width]}. */
        private static ProtoMessage valueInfo(String tensorName, long width) {
            ProtoMessage batch = new ProtoMessage();
            batch.string(2, BATCH_DIMENSION);
            ProtoMessage columns = new ProtoMessage();
            columns.varint(1, width);
            ProtoMessage shape = new ProtoMessage();
            shape.message(1, batch);
            shape.message(1, columns);
            ProtoMessage tensorType = new ProtoMessage();
            tensorType.varint(1, FLOAT);
            tensorType.message(2, shape);
            ProtoMessage type = new ProtoMessage();
            type.message(1, tensorType);
            ProtoMessage valueInfo = new ProtoMessage();
            valueInfo.string(1, tensorName);
            valueInfo.message(2, type);
            return valueInfo;
        }
    }

    /** A protobuf message being encoded: fields are appended in wire format as they are added. */
    private static final class ProtoMessage {
        private static final int VARINT = 0;
        private static final int LENGTH_DELIMITED = 2;
        private static final int FIXED32 = 5;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(int field, long value) {
            tag(field, VARINT);
            writeVarint(value);
        }

        void fixed32(int field, int bits) {
            tag(field, FIXED32);
            out.write(bits);
            out.write(bits >>> 8);
            out.write(bits >>> 16);
            out.write(bits >>> 24);
        }

        void string(int field, String value) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(int field, byte[] value) {
            tag(field, LENGTH_DELIMITED);
            writeVarint(value.length);
            out.writeBytes(value);
        }

        void message(int field, ProtoMessage message) {
            bytes(field, message.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        // Unsigned shifts: a negative int64 becomes ten bytes, as protobuf specifies, instead of looping forever.
        private void writeVarint(long value) {
            long remaining = value;
            while ((remaining & ~0x7FL) != 0) {
                out.write((int) ((remaining & 0x7F) | 0x80));
                remaining >>>= 7;
            }
            out.write((int) remaining);
        }
    }
}
