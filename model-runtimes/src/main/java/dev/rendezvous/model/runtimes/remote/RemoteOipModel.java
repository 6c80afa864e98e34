package dev.rendezvous.model.runtimes.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.ModelFailureException;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import dev.rendezvous.model.runtimes.tensor.TensorMismatchException;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A model on another server speaking the Open Inference Protocol v2 REST ({@code runtime: remote-oip}):
 * each request is forwarded on its own to {@code POST {url}/v2/models/{model}/infer} with the time left
 * until its deadline as {@code parameters.timeout} in microseconds; the requests of one poll are in
 * flight concurrently. The signature comes from the server's model metadata at load.
 */
public final class RemoteOipModel implements BatchModel {
    private static final ObjectMapper JSON = JsonCodec.mapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ModelManifest manifest;
    private final ExecutorService executor;
    private final HttpClient client;
    private final URI inferUri;
    private final Signature signature;

    private RemoteOipModel(ModelManifest manifest, ExecutorService executor, HttpClient client, URI inferUri, Signature signature) {
        this.manifest = manifest;
        this.executor = executor;
        this.client = client;
        this.inferUri = inferUri;
        this.signature = signature;
    }

    /** Reads the model's metadata from the server; a server that does not answer, or does not know the model, is a load error. */
    public static RemoteOipModel load(ModelManifest manifest) {
        // Daemon threads: an HTTP client must never keep a stopping runner's JVM alive.
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "oip-" + manifest.consumerGroup());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(CONNECT_TIMEOUT).build();
        String base = manifest.url().toString().replaceAll("/+$", "") + "/v2/models/"
                + URLEncoder.encode(manifest.model(), StandardCharsets.UTF_8).replace("+", "%20");
        URI metadataUri = URI.create(base);
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(metadataUri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new ModelLoadException(manifest, "GET " + metadataUri + " answered " + response.statusCode() + ": "
                        + errorText(response.body()) + "; expected the metadata of model '" + manifest.model() + "'", null);
            }
            Signature signature = OipMessages.signature(JSON.readTree(response.body()));
            return new RemoteOipModel(manifest, executor, client, URI.create(base + "/infer"), signature);
        } catch (IOException | IllegalArgumentException e) {
            executor.shutdownNow();
            throw new ModelLoadException(manifest, "cannot read the model's metadata from GET " + metadataUri + ": " + e, e);
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            throw new ModelLoadException(manifest, "interrupted while reading the model's metadata from " + metadataUri, e);
        } catch (ModelLoadException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    @Override
    public Signature signature() {
        return signature;
    }

    @Override
    public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
        Inference result = inferEach(List.of(inputs), List.of(deadlineAtMs)).get(0);
        if (result.failure() != null) {
            throw new ModelFailureException(result.failure(), null);
        }
        return result.outputs();
    }

    /** Sends every call at once and waits for all: one slow request does not hold up the others' answers beyond its own deadline. */
    @Override
    public List<Inference> inferEach(List<Map<String, TensorValue>> inputs, List<Long> deadlinesAtMs) {
        long begin = System.nanoTime();
        List<CompletableFuture<Inference>> calls = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            calls.add(call(inputs.get(i), deadlinesAtMs.get(i), begin));
        }
        List<Inference> results = new ArrayList<>(calls.size());
        for (CompletableFuture<Inference> call : calls) {
            results.add(call.join());
        }
        return results;
    }

    private CompletableFuture<Inference> call(Map<String, TensorValue> inputs, long deadlineAtMs, long begin) {
        long remainingMicros = (deadlineAtMs - System.currentTimeMillis()) * 1_000;
        if (remainingMicros <= 0) {
            return CompletableFuture.completedFuture(new Inference(null, "the deadline passed before the request could be forwarded to "
                    + inferUri, 0));
        }
        byte[] body = JsonCodec.encode(OipMessages.inferRequest(null, inputs, remainingMicros));
        HttpRequest request = HttpRequest.newBuilder(inferUri)
                .timeout(Duration.ofNanos(remainingMicros * 1_000))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    long micros = (System.nanoTime() - begin) / 1_000;
                    if (error != null) {
                        return new Inference(null, describe(error, remainingMicros), micros);
                    }
                    return read(response, micros);
                });
    }

    private Inference read(HttpResponse<byte[]> response, long micros) {
        if (response.statusCode() != 200) {
            return new Inference(null, "the remote model server answered " + response.statusCode() + " to POST " + inferUri + ": "
                    + errorText(response.body()), micros);
        }
        try {
            return new Inference(OipMessages.outputs(JSON.readTree(response.body())), null, micros);
        } catch (IOException | TensorMismatchException e) {
            return new Inference(null, "the remote model server's answer to POST " + inferUri + " is unusable: " + e.getMessage(), micros);
        }
    }

    private String describe(Throwable error, long remainingMicros) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "the remote model server did not answer POST " + inferUri + " within the " + remainingMicros / 1_000
                    + " ms left until the deadline";
        }
        return "POST " + inferUri + " failed: " + cause;
    }

    /** OIP errors are {@code {"error": "..."}}; anything else is shown as text, shortened. */
    private static String errorText(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.path("error").isTextual()) {
                return node.get("error").asText();
            }
        } catch (IOException e) {
            // Not JSON: show the text.
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public boolean stacksRequests() {
        return false;
    }

    @Override
    public boolean callsEachConcurrently() {
        return true;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "remote OIP model " + manifest.model() + " at " + manifest.url();
    }
}
