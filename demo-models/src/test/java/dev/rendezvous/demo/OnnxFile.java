package dev.rendezvous.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rendezvous.model.export.OnnxExport;
import java.util.Map;

/** Test helper: runs an exported model with ONNX Runtime directly. */
final class OnnxFile implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxFile(byte[] model) throws OrtException {
        session = environment.createSession(model, new OrtSession.SessionOptions());
    }

    /** Rows of raw feature values in the model's column order; returns the {@code output} rows. */
    float[][] score(float[][] rows) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(environment, rows);
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            return (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
