package dev.rendezvous.model.runtimes.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Test fixture: a tiny Open Inference Protocol v2 REST server for model {@code scaler}: input {@code x}
 * FP32 [-1, 2], output {@code y} = 2 x (FP32 [-1, 2]). A first value of 99 makes it answer 400, of
 * 77 makes it answer only after 2 s. Keeps every inference request body it received.
 */
final class TestOipServer implements AutoCloseable {
    static final String MODEL = "scaler";
    private final HttpServer server;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();

    TestOipServer() throws IOException {
        // Without TCP_NODELAY the JDK server's replies stall ~40 ms on delayed ACKs (measured).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v2/models/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (path.equals("/v2/models/" + MODEL) && exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 200, """
                        {"name":"scaler","versions":["1"],"platform":"test",
                         "inputs":[{"name":"x","datatype":"FP32","shape":[-1,2]}],
                         "outputs":[{"name":"y","datatype":"FP32","shape":[-1,2]}]}""");
            } else if (path.equals("/v2/models/" + MODEL + "/infer") && exchange.getRequestMethod().equals("POST")) {
                infer(exchange);
            } else {
                respond(exchange, 404, "{\"error\":\"no model at " + path + "\"}");
            }
        }
    }

    private void infer(HttpExchange exchange) throws IOException {
        JsonNode body = JsonCodec.mapper().readTree(exchange.getRequestBody());
        received.add(body);
        JsonNode input = body.get("inputs").get(0);
        double first = input.get("data").get(0).asDouble();
        if (first == 99) {
            respond(exchange, 400, "{\"error\":\"x must not start with 99\"}");
            return;
        }
        if (first == 77) {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ObjectNode response = JsonCodec.mapper().createObjectNode();
        response.put("model_name", MODEL);
        ObjectNode output = response.putArray("outputs").addObject();
        output.put("name", "y").put("datatype", "FP32").set("shape", input.get("shape"));
        ArrayNode data = output.putArray("data");
        input.get("data").forEach(value -> data.add(2 * value.floatValue()));
        respond(exchange, 200, response.toString());
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
