package dev.rendezvous.gateway;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.registry.ControlPlane;
import dev.rendezvous.registry.PolicyStore;
import dev.rendezvous.registry.PolicyWriterClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** One gateway on the embedded broker for a test class: its topics, control plane, an HTTP client and a look into the requests topics. */
final class TestGateway implements AutoCloseable {
    static final String TOKEN = "test-admin-token-0123456789";

    final KafkaSettings kafka;
    final ControlPlane control;
    final Admin admin;
    final GatewayServer server;
    final List<AppSettings> apps;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway(KafkaSettings kafka, ControlPlane control, Admin admin, GatewayServer server, List<AppSettings> apps) {
        this.kafka = kafka;
        this.control = control;
        this.admin = admin;
        this.server = server;
        this.apps = apps;
    }

    /** Provisions the apps' topics and the control topics, then starts the control plane (but no gateway yet: see {@link #start}). */
    static ControlPlane controlPlane(KafkaSettings kafka, Admin admin, List<AppSettings> apps) throws Exception {
        TopicLayout layout = new TopicLayout(kafka.topics(), 1);
        TopicProvisioner provisioner = new TopicProvisioner(admin, 1, 10_000);
        provisioner.ensure(layout.controlTopics());
        for (AppSettings app : apps) {
            provisioner.ensure(layout.appTopics(app.name(), app.partitions(), 3_600_000));
        }
        return new ControlPlane(PolicyStore.start(kafka, "test-policies"), RegistryView.start(kafka, "test-registry"),
                new PolicyWriterClient(kafka, "test-policy-writer"));
    }

    static TestGateway start(KafkaSettings kafka, List<AppSettings> apps, UnaryOperator<GatewayConfig> tweak, TraceLookup traces)
            throws Exception {
        Admin admin = kafka.newAdmin("test");
        ControlPlane control = controlPlane(kafka, admin, apps);
        return start(kafka, admin, control, apps, tweak, traces);
    }

    static TestGateway start(KafkaSettings kafka, Admin admin, ControlPlane control, List<AppSettings> apps,
                             UnaryOperator<GatewayConfig> tweak, TraceLookup traces) throws Exception {
        GatewayConfig config = tweak.apply(GatewayConfig.defaults("gw-" + Long.toHexString(System.nanoTime()), TOKEN).withPort(0));
        GatewayServer server = GatewayServer.start(kafka, config, apps, control, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), traces);
        return new TestGateway(kafka, control, admin, server, apps);
    }

    HttpResponse<String> post(String path, String contentType, byte[] body, Map<String, String> headers) throws Exception {
        return http.send(postRequest(path, contentType, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        return post(path, "application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String body, Map<String, String> headers) {
        return http.sendAsync(postRequest(path, "application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(15)).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return get(path, Map.of());
    }

    private HttpRequest postRequest(String path, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return request.build();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** How many records the app's requests topic holds (the sum of its partitions' end offsets). */
    long requestRecords(String app) throws Exception {
        int partitions = apps.stream().filter(a -> a.name().equals(app)).findFirst().orElseThrow().partitions();
        String topic = kafka.topics().requests(app);
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Every record of the app's requests topic, from the beginning. */
    List<ConsumerRecord<String, byte[]>> requestsOnTopic(String app) throws Exception {
        long expected = requestRecords(app);
        int partitions = apps.stream().filter(a -> a.name().equals(app)).findFirst().orElseThrow().partitions();
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = kafka.newStringKeyConsumer(null, "test-requests-reader", "earliest")) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(kafka.topics().requests(app), p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long until = System.currentTimeMillis() + 10_000;
            while (records.size() < expected && System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** The record keyed {@code requestId} on the app's requests topic, or null. */
    ConsumerRecord<String, byte[]> requestOnTopic(String app, String requestId) throws Exception {
        return requestsOnTopic(app).stream().filter(r -> requestId.equals(r.key())).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.close();
        control.policies().close();
        control.registry().close();
        control.policyWriter().close();
        admin.close();
    }
}
