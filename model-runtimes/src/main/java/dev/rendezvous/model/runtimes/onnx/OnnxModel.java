package dev.rendezvous.model.runtimes.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorSpec;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.ArtifactHash;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.ModelFailureException;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model run in-process by ONNX Runtime: any number of named inputs and tensor outputs of types
 * FP32, FP64, INT32, INT64, BOOL and STRING, any rank, dynamic dimensions as the graph declares them.
 */
public final class OnnxModel implements BatchModel {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Signature signature;
    private final Set<String> outputNames;

    private OnnxModel(OrtEnvironment environment, OrtSession session, Signature signature) {
        this.environment = environment;
        this.session = session;
        this.signature = signature;
        this.outputNames = new LinkedHashSet<>(signature.outputNames());
    }

    /**
     * Loads the manifest's artifact, checking the bytes it loads against the manifest's hash (the file
     * may have changed since the manifest was read), and reads the model's signature.
     */
    public static OnnxModel load(ModelManifest manifest) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(manifest.artifact());
        } catch (IOException e) {
            throw new ModelLoadException(manifest, "cannot read artifact " + manifest.artifact() + ": " + e, e);
        }
        String actual = ArtifactHash.sha256(bytes);
        if (!actual.equals(manifest.sha256())) {
            throw new ModelLoadException(manifest, ArtifactHash.mismatch(manifest.artifact(), manifest.sha256(), actual), null);
        }
        OrtEnvironment environment = OnnxEnvironment.get();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Measured on the demo models: one thread scores as fast as the default pool (batch 1 ~10 us,
            // batch 64 ~18-25 us per call), and several runners per process would otherwise each keep a pool.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = environment.createSession(bytes, options);
            OnnxModel model = new OnnxModel(environment, session, signature(manifest, session));
            model.warmUp();
            return model;
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelLoadException(manifest, "ONNX Runtime cannot load " + manifest.artifact() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    @Override
    public Signature signature() {
        return signature;
    }

    @Override
    public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, TensorValue> input : inputs.entrySet()) {
                feeds.put(input.getKey(), OnnxTensors.toOrt(environment, input.getValue()));
            }
            try (OrtSession.Result result = session.run(feeds, outputNames)) {
                Map<String, TensorValue> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> output : result) {
                    outputs.put(output.getKey(), OnnxTensors.fromOrt(output.getKey(), (OnnxTensor) output.getValue()));
                }
                return outputs;
            }
        } catch (OrtException e) {
            throw new ModelFailureException("ONNX Runtime failed on inputs " + describe(inputs) + ": " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    /** The first call of a session allocates its buffers; pay for that before the first request does. */
    private void warmUp() {
        Map<String, TensorValue> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : signature.inputs()) {
            inputs.put(spec.name(), OnnxTensors.zeros(spec.type(), spec.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray()));
        }
        try {
            infer(inputs, Long.MAX_VALUE);
        } catch (ModelFailureException | RuntimeException e) {
            // A model may reject all-zero input; real requests will tell.
        }
    }

    private static Signature signature(ModelManifest manifest, OrtSession session) throws OrtException {
        List<TensorSpec> inputs = new ArrayList<>();
        for (NodeInfo node : session.getInputInfo().values()) {
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw new ModelLoadException(manifest, "input '" + node.getName() + "' is " + node.getInfo() + "; this runner feeds tensors only", null);
            }
            inputs.add(spec(manifest, "input", node.getName(), info));
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (NodeInfo node : session.getOutputInfo().values()) {
            if (node.getInfo() instanceof TensorInfo info) {
                outputs.add(spec(manifest, "output", node.getName(), info));
            } else {
                // E.g. skl2onnx's ZipMap probabilities (a sequence of maps): the runner returns tensors only.
                LOG.warn("{}: output '{}' is {}, not a tensor; leaving it out", manifest.ref(), node.getName(), node.getInfo());
            }
        }
        if (outputs.isEmpty()) {
            throw new ModelLoadException(manifest, "the model has no tensor outputs (outputs " + session.getOutputNames() + ")", null);
        }
        return new Signature(inputs, outputs);
    }

    private static TensorSpec spec(ModelManifest manifest, String kind, String name, TensorInfo info) {
        DataType type = OnnxTensors.dataType(info.type).orElseThrow(() -> new ModelLoadException(manifest, kind + " '" + name
                + "' has element type " + info.type + "; this runner supports " + DataType.supportedNames(), null));
        return TensorSpec.of(name, type, info.getShape());
    }

    private static String describe(Map<String, TensorValue> inputs) {
        StringBuilder text = new StringBuilder("{");
        inputs.forEach((name, value) -> text.append(text.length() == 1 ? "" : ", ").append(name).append(": ").append(value.describe()));
        return text.append('}').toString();
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing useful to do while closing.
        }
    }
}
