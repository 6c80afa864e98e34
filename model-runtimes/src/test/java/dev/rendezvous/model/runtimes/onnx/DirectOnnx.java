package dev.rendezvous.model.runtimes.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test oracle: ONNX Runtime called directly on a manifest's artifact, with none of the runner's code. */
public final class DirectOnnx implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final ModelManifest manifest;

    public DirectOnnx(ModelManifest manifest) throws Exception {
        this.manifest = manifest;
        this.session = environment.createSession(manifest.artifact().toString(), new OrtSession.SessionOptions());
    }

    /** The {@code output} rows for feature maps, each put in the manifest's column order. */
    public float[][] score(List<Map<String, Number>> featureMaps) throws Exception {
        List<String> columns = manifest.input().features();
        float[][] rows = new float[featureMaps.size()][columns.size()];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < columns.size(); c++) {
                rows[i][c] = featureMaps.get(i).get(columns.get(c)).floatValue();
            }
        }
        try (OnnxTensor input = OnnxTensor.createTensor(environment, rows);
             OrtSession.Result result = session.run(Map.of(manifest.input().tensor(), input))) {
            return (float[][]) result.get("output").orElseThrow().getValue();
        }
    }

    /**
     * Runs the model on inputs given as Java arrays ({@code float[][]}, {@code String[][][]}, ...), returning
     * each output as the nested Java array ONNX Runtime gives back.
     */
    public Map<String, Object> run(Map<String, Object> inputs) throws Exception {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Object> input : inputs.entrySet()) {
                tensors.put(input.getKey(), OnnxTensor.createTensor(environment, input.getValue()));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, Object> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> output : result) {
                    outputs.put(output.getKey(), output.getValue().getValue());
                }
                return outputs;
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws ai.onnxruntime.OrtException {
        session.close();
    }
}
