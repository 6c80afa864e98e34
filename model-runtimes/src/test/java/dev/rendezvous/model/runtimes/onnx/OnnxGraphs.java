package dev.rendezvous.model.runtimes.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.manifest.ArtifactHash;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixture: small ONNX graphs written directly as ONNX protobuf (the classes ship in
 * tribuo-util-onnx), saved with a manifest next to them. {@code -1} in a shape is a dynamic dimension.
 */
public final class OnnxGraphs {
    private OnnxGraphs() {
    }

    /** {@code y = Identity(x)} for one element type and shape. */
    public static byte[] identity(DataType type, long... shape) {
        GraphProto graph = GraphProto.newBuilder().setName("identity_" + type)
                .addInput(value("x", type, shape))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
                .addOutput(value("y", type, shape))
                .build();
        return model(graph);
    }

    /**
     * Three inputs, four outputs: {@code a}, {@code b} FP32 [-1, 3] and {@code counts} INT64 [-1, 2] give
     * {@code sum} = a + b (FP32 [-1, 3]), {@code outer} = the outer product of a and b per row (FP32 [-1, 3, 3]),
     * {@code greater} = a > b (BOOL [-1, 3]) and {@code counts_out} = counts + 1 (INT64 [-1, 2]).
     */
    public static byte[] multiInput() {
        GraphProto graph = GraphProto.newBuilder().setName("multi_input")
                .addInput(value("a", DataType.FP32, -1, 3))
                .addInput(value("b", DataType.FP32, -1, 3))
                .addInput(value("counts", DataType.INT64, -1, 2))
                .addInitializer(longs("axis2", 2))
                .addInitializer(longs("axis1", 1))
                .addInitializer(longs("one", 1))
                .addNode(node("Add", "sum", "a", "b"))
                .addNode(node("Unsqueeze", "a_col", "a", "axis2"))
                .addNode(node("Unsqueeze", "b_row", "b", "axis1"))
                .addNode(node("Mul", "outer", "a_col", "b_row"))
                .addNode(node("Greater", "greater", "a", "b"))
                .addNode(node("Add", "counts_out", "counts", "one"))
                .addOutput(value("sum", DataType.FP32, -1, 3))
                .addOutput(value("outer", DataType.FP32, -1, 3, 3))
                .addOutput(value("greater", DataType.BOOL, -1, 3))
                .addOutput(value("counts_out", DataType.INT64, -1, 2))
                .build();
        return model(graph);
    }

    /** Writes the model and a manifest for it (runtime onnx, no feature mapping unless {@code extraYaml} adds one) and loads it. */
    public static ModelManifest save(Path dir, String name, byte[] onnx, String extraYaml) throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".onnx"), onnx);
        Path manifest = dir.resolve(name + ".yaml");
        Files.writeString(manifest, """
                app: test
                name: %s
                version: "1"
                runtime: onnx
                artifact: %s.onnx
                sha256: %s
                """.formatted(name, name, ArtifactHash.sha256(onnx)) + extraYaml);
        return ModelManifest.load(manifest);
    }

    private static byte[] model(GraphProto graph) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("rendezvous-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static NodeProto node(String op, String output, String... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output + "_" + op).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        return node.build();
    }

    private static TensorProto longs(String name, long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        return tensor.build();
    }

    private static ValueInfoProto value(String name, DataType type, long... shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (long dim : shape) {
            dims.addDim(dim < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N") : TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType(type)).setShape(dims)))
                .build();
    }

    private static int elementType(DataType type) {
        return switch (type) {
            case FP32 -> TensorProto.DataType.FLOAT_VALUE;
            case FP64 -> TensorProto.DataType.DOUBLE_VALUE;
            case INT32 -> TensorProto.DataType.INT32_VALUE;
            case INT64 -> TensorProto.DataType.INT64_VALUE;
            case BOOL -> TensorProto.DataType.BOOL_VALUE;
            case STRING -> TensorProto.DataType.STRING_VALUE;
        };
    }
}
