// The new side of the A/B of docs/decisions/022-one-model-host-per-app.md (not compiled by Maven; the old side,
// HarnessOld.java, is in git history). It needs the model host of decision 022.
// Build the bench (mvn -B -q -o -pl bench -am package -Djib.skip -DskipTests), then, from a copy of bench/target/lib:
//   java -cp "<lib>/*" model-runner/src/test/cpu-harness/HarnessNew.java new 1000 20000
// Embedded broker in this JVM, the three demo versions of app fraud, registered; 5,000 warm-up requests, then
// 20,000 at 1,000 req/s straight to fraud.requests; prints process CPU and thread CPU per request once all
// 60,000 scores are read back.
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.*;
import dev.rendezvous.runner.*;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.*;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

/** CPU per request of three co-located demo model versions: "old" = a runner each (own consumer group), "new" = one ModelHost. */
public class HarnessNew {
    public static void main(String[] args) throws Exception {
        String variant = args[0];
        int rate = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("host-harness");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0)) {
            KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), "h.");
            TopicNames topics = kafka.topics();
            try (Admin admin = kafka.newAdmin("h-admin")) {
                TopicLayout layout = new TopicLayout(topics, 1);
                new TopicProvisioner(admin, 1, 30_000).ensure(layout.controlTopics());
                new TopicProvisioner(admin, 1, 30_000).ensure(layout.appTopics("fraud", 3, 3_600_000));
            }
            List<ModelManifest> manifests = new ArrayList<>();
            for (Path p : DemoModels.ensure(Path.of("/tmp/host-harness/models"))) manifests.add(ModelManifest.load(p));
            RegistryView registry = RegistryView.start(kafka, "h-registry");
            KafkaProducer<String, byte[]> scores = kafka.newProducer("h-fleet");
            List<ModelRunner> runners = new ArrayList<>();
            AutoCloseable host = null;
            if (variant.equals("old")) {
                throw new IllegalArgumentException("new jars: variant new only");
            } else {
                ModelHost h = ModelHost.start(kafka, "fraud", ModelHost.hostGroup(kafka, "fraud", manifests.stream().map(ModelManifest::ref).toList()), scores);
                for (ModelManifest m : manifests) runners.add(h.deploy(m, RunnerOptions.defaults(), new SimpleMeterRegistry(), registry));
                host = h;
            }
            long until = System.currentTimeMillis() + 60_000;
            while (!runners.stream().allMatch(ModelRunner::isReady) && System.currentTimeMillis() < until) Thread.sleep(50);
            KafkaProducer<String, byte[]> requests = kafka.newProducer("h-requests");
            KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = List.of(new TopicPartition(topics.scores("fraud"), 0), new TopicPartition(topics.scores("fraud"), 1), new TopicPartition(topics.scores("fraud"), 2));
            reader.assign(parts);
            reader.seekToBeginning(parts);
            long[] read = {0};
            List<Map<String, Number>> samples = DemoModels.sampleFeatures(7, 1000);
            run(requests, reader, read, topics, samples, rate, n / 4, "warm");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<String, Long> before = threadCpu(threads);
            long cpu0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            long wall0 = System.nanoTime();
            run(requests, reader, read, topics, samples, rate, n, "m");
            long cpu1 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            double wallS = (System.nanoTime() - wall0) / 1e9;
            Map<String, Long> after = threadCpu(threads);
            Map<String, Long> groups = new TreeMap<>();
            after.forEach((name, t) -> groups.merge(name.replaceAll("[-_ ]?[0-9]+$", "").replaceAll("@[0-9]+", ""), t - before.getOrDefault(name, 0L), Long::sum));
            List<Map.Entry<String, Long>> top = new ArrayList<>(groups.entrySet());
            top.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
            System.out.printf("RESULT variant=%s rate=%d requests=%d wall=%.1fs processCpuMsPerRequest=%.3f%n", variant, rate, n, wallS, (cpu1 - cpu0) / 1e6 / n);
            for (int i = 0; i < Math.min(14, top.size()); i++) System.out.printf("  %-70s %.3f ms/req%n", top.get(i).getKey(), top.get(i).getValue() / 1e6 / n);
            if (host != null) host.close();
            runners.forEach(ModelRunner::close);
            scores.close(); requests.close(); reader.close(); registry.close();
        }
        System.exit(0);
    }

    static Map<String, Long> threadCpu(ThreadMXBean threads) {
        Map<String, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t > 0) cpu.merge(info.getThreadName() + "#" + info.getThreadId(), t, Long::sum);
        }
        Map<String, Long> byName = new HashMap<>();
        cpu.forEach((k, v) -> byName.merge(k.substring(0, k.lastIndexOf('#')) + "", v, Long::sum));
        return byName;
    }

    static void run(KafkaProducer<String, byte[]> requests, KafkaConsumer<String, byte[]> reader, long[] read, TopicNames topics,
                    List<Map<String, Number>> samples, int rate, int n, String prefix) throws Exception {
        long start = System.nanoTime();
        long target = read[0] + 3L * n;
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            long now = System.currentTimeMillis();
            JsonNode features = JsonCodec.mapper().valueToTree(samples.get(i % samples.size()));
            ScoringRequest r = new ScoringRequest(prefix + "-" + i, "fraud", features, null, now, now + 120_000, null, null);
            requests.send(new ProducerRecord<>(topics.requests("fraud"), r.id(), JsonCodec.encode(r)));
            if (i % 50 == 0) read[0] += reader.poll(Duration.ZERO).count();
        }
        long until = System.currentTimeMillis() + 180_000;
        while (read[0] < target && System.currentTimeMillis() < until) read[0] += reader.poll(Duration.ofMillis(100)).count();
        if (read[0] < target) System.out.println("WARN: only " + read[0] + " of " + target + " scores");
    }
}
