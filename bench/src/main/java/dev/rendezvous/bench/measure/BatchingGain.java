package dev.rendezvous.bench.measure;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.model.api.manifest.Batching;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.onnx.OnnxModel;
import dev.rendezvous.model.runtimes.scoring.BatchScorer;
import dev.rendezvous.model.runtimes.scoring.FailureInjector;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's micro-batching gain: requests per second one thread scores through {@link BatchScorer}
 * (feature mapping, one ONNX Runtime call per batch, output JSON) with batches of 1 and of 64.
 */
public final class BatchingGain {
    private BatchingGain() {
    }

    /** Records per second for each batch size, each measured for {@code duration} after a short warm-up. */
    public static Map<Integer, Double> measure(ModelManifest manifest, List<Integer> batchSizes, Duration duration) {
        List<ScoringRequest> requests = requests(1_024);
        Map<Integer, Double> recordsPerSecond = new LinkedHashMap<>();
        try (OnnxModel model = OnnxModel.load(manifest)) {
            for (int batch : batchSizes) {
                ModelManifest sized = manifest.withBatching(new Batching(batch, 0));
                BatchScorer scorer = new BatchScorer(sized, model, FailureInjector.NONE, Clock.systemUTC());
                scoreFor(scorer, requests, Duration.ofMillis(300));
                recordsPerSecond.put(batch, scoreFor(scorer, requests, duration));
            }
        }
        return recordsPerSecond;
    }

    private static double scoreFor(BatchScorer scorer, List<ScoringRequest> requests, Duration duration) {
        long start = System.nanoTime();
        long until = start + duration.toNanos();
        long scored = 0;
        while (System.nanoTime() < until) {
            scored += scorer.score(requests).scores().size();
        }
        return scored * 1e9 / (System.nanoTime() - start);
    }

    /** Far-future deadlines: the scorer must not reject them as expired however long the run takes. */
    private static List<ScoringRequest> requests(int count) {
        long now = System.currentTimeMillis();
        List<ScoringRequest> requests = new ArrayList<>(count);
        var samples = DemoModels.sampleFeatures(11, count);
        for (int i = 0; i < count; i++) {
            requests.add(new ScoringRequest("batch-" + i, DemoModels.APP, JsonCodec.mapper().valueToTree(samples.get(i)), null,
                    now, now + Duration.ofDays(1).toMillis(), null, null));
        }
        return requests;
    }
}
