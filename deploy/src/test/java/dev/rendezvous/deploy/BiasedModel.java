package dev.rendezvous.deploy;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A real ONNX variant of a demo logistic regression for tests: its graph with one class's bias
 * raised by {@code delta}. Its probabilities are the original's with that class's logit moved by
 * delta, so its label differs from the original's exactly on the inputs whose original logit margin
 * for that class lies in (−delta, 0]: for a two-class model, where the original gives the class a
 * probability in (σ(−delta), 0.5]. A known share of inputs, read off the original's own scores.
 */
final class BiasedModel {
    /** Tribuo's name for a linear SGD model's bias initializer (Gemm's third input). */
    static final String BIAS = "linear_sgd_bias_0";

    private BiasedModel() {
    }

    /**
     * Writes {@code target} ({@code <stem>.onnx} and {@code <stem>.yaml}) from the demo manifest {@code source}: the same model with
     * {@code column}'s bias raised by {@code delta}, version {@code version}, role shadow. Returns the manifest's path.
     */
    static Path write(Path sourceManifest, String version, int column, float delta, Path dir, String stem) throws Exception {
        String manifest = Files.readString(sourceManifest);
        String artifact = manifest.lines().filter(l -> l.startsWith("artifact: ")).findFirst().orElseThrow().substring("artifact: ".length());
        String sha256 = manifest.lines().filter(l -> l.startsWith("sha256: ")).findFirst().orElseThrow().substring("sha256: ".length());
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(sourceManifest.resolveSibling(artifact)));
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        int index = -1;
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(BIAS)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalStateException(sourceManifest + ": no initializer " + BIAS + " in its graph");
        }
        ByteBuffer raw = graph.getInitializer(index).getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer shifted = ByteBuffer.allocate(raw.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; raw.hasRemaining(); j++) {
            float bias = raw.getFloat();
            shifted.putFloat(j == column ? bias + delta : bias);
        }
        graph.setInitializer(index, graph.getInitializer(index).toBuilder().setRawData(ByteString.copyFrom(shifted.array())));
        byte[] bytes = model.toBuilder().setGraph(graph).build().toByteArray();
        Path onnx = dir.resolve(stem + ".onnx");
        Files.write(onnx, bytes);
        String newSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String variant = manifest.replace("version: \"2\"", "version: \"" + version + "\"").replace("role: canary", "role: shadow")
                .replace("artifact: " + artifact, "artifact: " + onnx.getFileName()).replace("sha256: " + sha256, "sha256: " + newSha);
        Path written = dir.resolve(stem + ".yaml");
        Files.writeString(written, variant);
        return written;
    }
}
