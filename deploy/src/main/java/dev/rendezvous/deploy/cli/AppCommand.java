package dev.rendezvous.deploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code app create}: creates an application on a running platform through its gateway's admin API
 * ({@code POST /v1/admin/apps}), so that the gateway validates it exactly as it does for HTTP callers.
 */
@Command(name = "app", mixinStandardHelpOptions = true, description = "Creates applications on a running platform.",
        subcommands = AppCommand.Create.class)
public final class AppCommand implements Runnable {
    /** Where `up` writes the admin token by default (gateway.adminTokenFile in rendezvous-defaults.yaml; ConfigLoaderTest keeps them equal). */
    public static final String DEFAULT_ADMIN_TOKEN_FILE = "data/admin-token";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code app create NAME --policy FILE}: exit 0 once the gateway serves the app, 1 with the gateway's reason otherwise. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates an app while the platform runs: its topics, its first policy, and every running service takes it up",
                    "(no restart; see docs/api.md, \"Creating an app without a restart\"). Then deploy a model for it with `model deploy`."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "the app's name (lower-case letters, digits, '_' or '-')")
        String name;

        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "the app's first policy, YAML or JSON (docs/rendezvous.md)")
        Path policy;

        @Option(names = "--partitions", paramLabel = "N", description = "partitions of its topics (default: 3)")
        Integer partitions;

        @Option(names = "--retention-ms", paramLabel = "MS", description = "retention of its topics (default: 7 days)")
        Long retentionMs;

        @Option(names = "--gateway", defaultValue = "http://localhost:8080", paramLabel = "URL", description = "the gateway (default: ${DEFAULT-VALUE})")
        URI gateway;

        @ArgGroup(exclusive = true)
        Token token = new Token();

        static final class Token {
            @Option(names = "--admin-token-file", paramLabel = "FILE", defaultValue = DEFAULT_ADMIN_TOKEN_FILE,
                    description = "file holding the admin token (default: ${DEFAULT-VALUE}, written by `up`)")
            Path file = Path.of(DEFAULT_ADMIN_TOKEN_FILE);

            @Option(names = "--admin-token", paramLabel = "TOKEN", description = "the admin token itself (gateway.adminToken)")
            String value;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (!Files.isRegularFile(policy)) {
                return fail("--policy " + policy + ": no such file (relative paths are resolved against " + Path.of("").toAbsolutePath() + ")");
            }
            String adminToken = token.value;
            if (adminToken == null) {
                if (!Files.isRegularFile(token.file)) {
                    return fail("--admin-token-file " + token.file + ": no such file; give --admin-token, or the file `up` wrote (gateway.adminTokenFile)");
                }
                adminToken = Files.readString(token.file).trim();
            }
            ObjectNode body = JsonCodec.mapper().createObjectNode();
            body.put("name", name);
            if (partitions != null) {
                body.put("partitions", partitions);
            }
            if (retentionMs != null) {
                body.put("retentionMs", retentionMs);
            }
            body.put("policy", Files.readString(policy));
            HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/admin/apps")).timeout(Duration.ofSeconds(90))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminToken)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return fail("cannot reach the gateway at " + gateway + ": " + e);
            }
            JsonNode answer = readJson(response.body());
            if (response.statusCode() != 201) {
                return fail(response.statusCode() + " " + answer.path("error").asText(response.body())
                        + (answer.hasNonNull("where") ? " (where: " + answer.path("where").asText() + ")" : ""));
            }
            spec.commandLine().getOut().printf("created app %s: %d partitions, retention %d ms, policy version %d; topics %s%n", name,
                    answer.path("partitions").asInt(), answer.path("retentionMs").asLong(), answer.path("policyVersion").asLong(), answer.path("topics"));
            spec.commandLine().getOut().flush();
            return 0;
        }

        private static JsonNode readJson(String text) {
            try {
                return JsonCodec.mapper().readTree(text);
            } catch (IOException e) {
                return JsonCodec.mapper().createObjectNode();
            }
        }

        private int fail(String problem) {
            spec.commandLine().getErr().println("app create: " + problem);
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
