package dev.rendezvous.replay;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.util.List;
import java.util.Map;

/** Test oracle: ONNX Runtime called directly on a manifest's artifact, with none of the runner's or replay's code. */
final class DirectOnnx implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final ModelManifest manifest;

    DirectOnnx(ModelManifest manifest) throws Exception {
        this.manifest = manifest;
        this.session = environment.createSession(manifest.artifact().toString(), new OrtSession.SessionOptions());
    }

    /** The {@code output} rows (probabilities in the manifest's label order) for feature maps, in batches of 4096. */
    float[][] score(List<Map<String, Number>> featureMaps) throws Exception {
        List<String> columns = manifest.input().features();
        float[][] all = new float[featureMaps.size()][];
        for (int from = 0; from < featureMaps.size(); from += 4096) {
            int to = Math.min(featureMaps.size(), from + 4096);
            float[][] rows = new float[to - from][columns.size()];
            for (int i = from; i < to; i++) {
                for (int c = 0; c < columns.size(); c++) {
                    rows[i - from][c] = featureMaps.get(i).get(columns.get(c)).floatValue();
                }
            }
            try (OnnxTensor input = OnnxTensor.createTensor(environment, rows);
                 OrtSession.Result result = session.run(Map.of(manifest.input().tensor(), input))) {
                float[][] out = (float[][]) result.get("output").orElseThrow().getValue();
                System.arraycopy(out, 0, all, from, out.length);
            }
        }
        return all;
    }

    /** The label with the highest probability, ties to the first, as the manifest names the columns. */
    String label(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return manifest.output().labels().get(best);
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
