package dev.rendezvous.deploy.launch;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.protocol.JsonCodec;
import java.util.Map;

/** A ready-to-paste request body for the start-up banner. */
final class SampleRequests {
    private SampleRequests() {
    }

    static String body(String app) {
        if (!DemoModels.APP.equals(app)) {
            return "{\"features\": {}}";
        }
        Map<String, Number> features = DemoModels.sampleFeatures(7, 1).get(0);
        return new String(JsonCodec.encode(Map.of("features", features)));
    }
}
