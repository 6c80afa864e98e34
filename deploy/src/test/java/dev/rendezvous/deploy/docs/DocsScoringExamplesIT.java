package dev.rendezvous.deploy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.docs.MarkdownFences.Fence;
import dev.rendezvous.deploy.docs.ShellWords.SimpleCommand;
import dev.rendezvous.deploy.docs.ShellWords.Word;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every fenced scoring example of README.md and docs/**.md ({@code curl … localhost:8080/v1/score/…}
 * or {@code …/v2/models/…/infer}) against the demo platform as {@code up} starts it, and checks that
 * it is answered 200 — and by a model ({@code outcome: model}) where the answer shown after it says so.
 * Before, the examples used features and models the demo does not have and silently fell back.
 * (Its sibling {@link DocsCommandsTest} checks the launcher commands without a platform.)
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DocsScoringExamplesIT {
    private static final Pattern SCORING_URL = Pattern.compile("localhost:8080/(v1/score/[a-z0-9_-]+|v2/models/[a-z0-9_-]+(/versions/[^/]+)?/infer)");
    private static final Pattern SAYS_MODEL = Pattern.compile("\"outcome\"\\s*:\\s*\"model\"");
    /** A 30 ms example deadline can miss on a busy 2-core CI machine; an example that falls back every time is still caught. */
    private static final int ATTEMPTS = 5;

    record Example(String where, String method, String url, Map<String, String> headers, String body, boolean saysModel) {
    }

    @Test
    void everyScoringExampleIsAnsweredAsTheTextSays(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        List<Example> examples = new ArrayList<>();
        for (Path file : DocsCommandsTest.markdownFiles()) {
            examples.addAll(examples(DocsCommandsTest.markdownFiles().get(0).getParent().relativize(file).toString(), Files.readString(file)));
        }
        assertThat(examples).as("scoring examples found (README, api.md /v1 and /v2)").hasSizeGreaterThanOrEqualTo(3);
        assertThat(examples).filteredOn(Example::saysModel).as("examples whose shown answer is a model's").hasSizeGreaterThanOrEqualTo(3);

        String prefix = EmbeddedKafkaExtension.uniquePrefix("docs-scoring");
        Map<String, String> overrides = Map.of("kafka.embedded", "false", "kafka.bootstrapServers", broker.bootstrapServers(),
                "kafka.topicPrefix", prefix, "gateway.port", "0", "gateway.instanceId", "gw-docs", "gateway.adminToken", "docs-scoring-admin-token",
                "management.port", "0", "models.demoDir", dir.resolve("models").toString(), "archive.dir", dir.resolve("archive").toString());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (Platform platform = Platform.start(ConfigLoader.load(null, overrides))) {
            String base = "127.0.0.1:" + platform.gatewayPort();
            for (Example example : examples) {
                send(http, example, base); // warm-up: the first call of each model runs slower
            }
            for (Example example : examples) {
                List<String> answers = new ArrayList<>();
                boolean asSaid = false;
                for (int attempt = 0; attempt < ATTEMPTS && !asSaid; attempt++) {
                    HttpResponse<String> response = send(http, example, base);
                    answers.add(response.statusCode() + " " + response.body());
                    JsonNode answer = JsonCodec.mapper().readTree(response.body());
                    String outcome = answer.has("parameters") ? answer.path("parameters").path("outcome").asText() : answer.path("outcome").asText();
                    asSaid = response.statusCode() == 200 && (!example.saysModel() || outcome.equals("model"));
                }
                assertThat(asSaid).as("%s: %s %s answered %s", example.where(), example.method(), example.url(), answers).isTrue();
            }
        }
    }

    private static HttpResponse<String> send(HttpClient http, Example example, String base) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + example.url().replace("localhost:8080", base)))
                .timeout(Duration.ofSeconds(10))
                .method(example.method(), example.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(example.body()));
        example.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The curl scoring commands of one document, each with whether the next fenced block shows a model's answer. */
    static List<Example> examples(String file, String markdown) {
        List<Fence> fences = MarkdownFences.of(markdown);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < fences.size(); i++) {
            Fence fence = fences.get(i);
            if (!List.of("bash", "sh", "shell", "console", "").contains(fence.label())) {
                continue;
            }
            boolean saysModel = i + 1 < fences.size() && SAYS_MODEL.matcher(fences.get(i + 1).text()).find();
            for (SimpleCommand command : ShellWords.parse(fence.text(), fence.firstLine())) {
                Example example = curl(file, command, saysModel);
                if (example != null) {
                    examples.add(example);
                }
            }
        }
        return examples;
    }

    private static Example curl(String file, SimpleCommand command, boolean saysModel) {
        List<Word> words = command.words();
        if (words.isEmpty() || !words.get(0).value().equals("curl")) {
            return null;
        }
        String url = null;
        String method = null;
        String body = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i).value();
            String next = i + 1 < words.size() ? words.get(i + 1).value() : null;
            switch (word) {
                case "-H", "--header" -> {
                    int colon = next.indexOf(':');
                    headers.put(next.substring(0, colon).trim(), next.substring(colon + 1).trim());
                    i++;
                }
                case "-d", "--data", "--data-binary", "--data-raw" -> {
                    body = next;
                    i++;
                }
                case "-X", "--request" -> {
                    method = next;
                    i++;
                }
                default -> {
                    if (SCORING_URL.matcher(word).find()) {
                        url = word;
                    }
                }
            }
        }
        if (url == null) {
            return null;
        }
        return new Example(file + ":" + words.get(0).line(), method != null ? method : body != null ? "POST" : "GET", url, headers, body, saysModel);
    }
}
