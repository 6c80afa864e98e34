package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.model.api.manifest.ArtifactHash;
import dev.rendezvous.protocol.JsonCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v2/models/{app}/infer} with OIP tensors, end to end on the real broker: a model with
 * several inputs (INT64, FP32 and a rank-0 FP32 scalar) and several outputs (one of them 3-D) answers
 * every output with its own datatype and shape and exactly the values ONNX Runtime computes directly.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OipTensorInferIT {
    private static final long[][] IDS = {{3, -1}, {9_007_199_254_740_993L, 7}};
    private static final float[][] X = {{1.5f, -2f, 0.1f}, {4f, 0.25f, -7.75f}};
    private static final float SCALE = 2.5f;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersEveryOutputOfAMultiInputTensorModelWithItsDatatypeShapeAndTheValuesOnnxRuntimeComputes(
            EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        byte[] onnx = multiInputModel();
        Path manifest = saveModel(dir, onnx);
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                services: [gateway, rendezvous, models]
                apps:
                  - name: tensors
                    partitions: 1
                    retentionMs: 3600000
                    policy:
                      deadline: 10s
                      stages:
                        - accept: [tensors-onnx@1]
                models:
                  demo: false
                  manifests: [%s]
                """.formatted(manifest.toAbsolutePath()));
        Map<String, ExpectedTensor> expected = scoreDirectly(onnx);

        try (Platform platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker,
                EmbeddedKafkaExtension.uniquePrefix("oip-tensors"), "oip-tensors", "oip-tensors-admin-token", Map.of())))) {
            HttpResponse<String> response = infer(platform, "t-all", "");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = JsonCodec.mapper().readTree(response.body());
            assertThat(body.path("model_version").asText()).isEqualTo("tensors-onnx@1");
            assertThat(body.path("outputs").findValuesAsText("name")).containsExactlyInAnyOrder("y", "grid", "ids_out");
            for (JsonNode output : body.path("outputs")) {
                ExpectedTensor direct = expected.get(output.path("name").asText());
                assertThat(output.path("datatype").asText()).as(output.toString()).isEqualTo(direct.datatype());
                assertThat(longs(output.path("shape"))).as(output.toString()).containsExactly(direct.shape());
                assertThat(values(output.path("data"), direct.datatype())).as(output.toString()).isEqualTo(direct.data());
            }

            HttpResponse<String> onlyGrid = infer(platform, "t-grid", ", \"outputs\": [{\"name\": \"grid\"}]");
            assertThat(onlyGrid.statusCode()).as(onlyGrid.body()).isEqualTo(200);
            JsonNode filtered = JsonCodec.mapper().readTree(onlyGrid.body());
            assertThat(filtered.path("outputs").findValuesAsText("name")).containsExactly("grid");
            assertThat(longs(filtered.path("outputs").get(0).path("shape"))).containsExactly(2, 2, 3);
        }
    }

    private HttpResponse<String> infer(Platform platform, String id, String extraMembers) throws Exception {
        String body = """
                {"id": "%s",
                 "inputs": [
                   {"name": "ids", "datatype": "INT64", "shape": [2, 2], "data": %s},
                   {"name": "x", "datatype": "FP32", "shape": [2, 3], "data": %s},
                   {"name": "scale", "datatype": "FP32", "shape": [], "data": [%s]}]%s}
                """.formatted(id, Arrays.deepToString(IDS), Arrays.toString(flat(X)), SCALE, extraMembers);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v2/models/tensors/infer"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An output as ONNX Runtime returns it: OIP datatype, shape and flat row-major values. */
    private record ExpectedTensor(String datatype, long[] shape, List<Object> data) {
    }

    /** The oracle: ONNX Runtime on the same bytes and inputs, none of the platform's code. */
    private static Map<String, ExpectedTensor> scoreDirectly(byte[] onnx) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, ExpectedTensor> outputs = new LinkedHashMap<>();
        try (OrtSession session = env.createSession(onnx);
             OnnxTensor ids = OnnxTensor.createTensor(env, IDS);
             OnnxTensor x = OnnxTensor.createTensor(env, X);
             OnnxTensor scale = OnnxTensor.createTensor(env, SCALE);
             OrtSession.Result result = session.run(Map.of("ids", ids, "x", x, "scale", scale))) {
            for (Map.Entry<String, OnnxValue> output : result) {
                OnnxTensor tensor = (OnnxTensor) output.getValue();
                List<Object> data = new ArrayList<>();
                if (tensor.getInfo().type == OnnxJavaType.INT64) {
                    long[] longs = new long[tensor.getLongBuffer().remaining()];
                    tensor.getLongBuffer().get(longs);
                    Arrays.stream(longs).forEach(data::add);
                    outputs.put(output.getKey(), new ExpectedTensor("INT64", tensor.getInfo().getShape(), data));
                } else {
                    float[] floats = new float[tensor.getFloatBuffer().remaining()];
                    tensor.getFloatBuffer().get(floats);
                    for (float f : floats) {
                        data.add(f);
                    }
                    outputs.put(output.getKey(), new ExpectedTensor("FP32", tensor.getInfo().getShape(), data));
                }
            }
        }
        return outputs;
    }

    private static List<Object> values(JsonNode data, String datatype) {
        List<Object> values = new ArrayList<>();
        data.forEach(value -> {
            assertThat(value.isNumber()).as("flat data: %s", data).isTrue();
            values.add(datatype.equals("INT64") ? (Object) value.longValue() : (Object) value.floatValue());
        });
        return values;
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).longValue();
        }
        return values;
    }

    private static float[] flat(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
        }
        return flat;
    }

    private static Path saveModel(Path dir, byte[] onnx) throws Exception {
        Files.write(dir.resolve("tensors-onnx-1.onnx"), onnx);
        Path manifest = dir.resolve("tensors-onnx-1.yaml");
        Files.writeString(manifest, """
                app: tensors
                name: tensors-onnx
                version: "1"
                role: live
                runtime: onnx
                artifact: tensors-onnx-1.onnx
                sha256: %s
                """.formatted(ArtifactHash.sha256(onnx)));
        return manifest;
    }

    /**
     * Inputs {@code ids} INT64 [N, 2], {@code x} FP32 [N, 3] and the scalar {@code scale} FP32 [];
     * outputs {@code y} = x * scale (FP32 [N, 3]), {@code grid} = float(ids) (x) x per row, an outer
     * product (FP32 [N, 2, 3]), and {@code ids_out} = ids + 1 (INT64 [N, 2]). Written as ONNX protobuf
     * with the classes tribuo-util-onnx ships.
     */
    private static byte[] multiInputModel() {
        GraphProto graph = GraphProto.newBuilder().setName("oip_tensors")
                .addInput(value("ids", TensorProto.DataType.INT64_VALUE, -1, 2))
                .addInput(value("x", TensorProto.DataType.FLOAT_VALUE, -1, 3))
                .addInput(value("scale", TensorProto.DataType.FLOAT_VALUE))
                .addInitializer(longs("axis2", 2))
                .addInitializer(longs("axis1", 1))
                .addInitializer(longs("one", 1))
                .addNode(node("Mul", "y", "x", "scale"))
                .addNode(node("Cast", "ids_float", "ids").toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(TensorProto.DataType.FLOAT_VALUE)))
                .addNode(node("Unsqueeze", "ids_col", "ids_float", "axis2"))
                .addNode(node("Unsqueeze", "x_row", "x", "axis1"))
                .addNode(node("Mul", "grid", "ids_col", "x_row"))
                .addNode(node("Add", "ids_out", "ids", "one"))
                .addOutput(value("y", TensorProto.DataType.FLOAT_VALUE, -1, 3))
                .addOutput(value("grid", TensorProto.DataType.FLOAT_VALUE, -1, 2, 3))
                .addOutput(value("ids_out", TensorProto.DataType.INT64_VALUE, -1, 2))
                .build();
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

    /** A tensor value of an element type and shape; no dimensions: a scalar; {@code -1}: dynamic. */
    private static ValueInfoProto value(String name, int elementType, long... shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (long dim : shape) {
            dims.addDim(dim < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N") : TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(dims)))
                .build();
    }
}
