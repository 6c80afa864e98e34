package dev.rendezvous.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's own entry point — its java (the jlinked runtime), JVM flags, class path file and
 * environment, read from the tarball {@code mvn package} built and unpacked — started outside a
 * container, through the image's own dynamic loader and shared libraries, with the args of a runner
 * pod from the base manifests and its ConfigMap volumes laid out as the kubelet would: it loads the ONNX model (native code on the image's runtime), becomes ready on
 * the pod's readiness probe, and exits 0 on SIGTERM.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ImageEntrypointIT {
    private static final Path TARBALL = ManifestFiles.K8S.resolve("target/rendezvous-image.tar");

    @TempDir
    static Path unpacked;
    private static Path root;
    private static ImageTarball image;

    @BeforeAll
    static void unpackTheImage() throws IOException {
        // The image is built only where its runtime comes from (deploy/k8s/pom.xml: Linux on x86-64); there the
        // tarball must exist, elsewhere there is nothing to test.
        org.junit.jupiter.api.Assumptions.assumeTrue(ImageBuild.supportedHere(),
                "the image is built on Linux x86-64 only; this is " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root = unpacked.resolve("image");
        image = ImageTarball.unpack(TARBALL, root);
    }

    /**
     * What a scratch image lacks and the platform needs: ONNX Runtime crashes the JVM (SIGSEGV in fclose)
     * without /etc/os-release and /etc/machine-id — seen in a chroot of the image, invisible here outside
     * one, where the host's files serve; the user the image runs as; /tmp and /data to write to.
     */
    @Test
    void theImageHasTheFilesAScratchImageLacks() throws IOException {
        assertThat(image.user()).isEqualTo("65532:65532");
        assertThat(root.resolve("etc/os-release")).content().contains("ID=");
        assertThat(root.resolve("etc/machine-id")).content().matches("[0-9a-f]{32}\\n");
        assertThat(root.resolve("etc/passwd")).content().contains(":65532:65532:");
        assertThat(root.resolve("tmp")).isDirectory();
        assertThat(root.resolve("data")).isDirectory();
        assertThat(image.workingDir()).isEqualTo("/data");
    }

    @Test
    void aRunnerPodsCommandLineOnTheImagesRuntimeAnswersItsReadinessProbeAndStopsCleanly(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {

        List<HasMetadata> base = ManifestFiles.base();
        Deployment runner = base.stream().filter(r -> r instanceof Deployment d && d.getMetadata().getName().equals("runner-fraud-lr-1"))
                .map(Deployment.class::cast).findFirst().orElseThrow();
        Container container = runner.getSpec().getTemplate().getSpec().getContainers().get(0);
        // The kubelet's part: each ConfigMap volume becomes a directory with one file per key.
        List<String> podArgs = new ArrayList<>(container.getArgs());
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = runner.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            if (volume.getConfigMap() == null) {
                continue;   // /tmp: an emptyDir; the host's /tmp serves
            }
            Path mounted = dir.resolve("volumes").resolve(mount.getName());
            materialize(configMap(base, volume.getConfigMap().getName()), mounted);
            podArgs.replaceAll(arg -> arg.replace(mount.getMountPath(), mounted.toString()));
        }
        int management = freePort();
        List<String> args = new ArrayList<>(podArgs);
        args.addAll(List.of("--set", "kafka.bootstrapServers=" + broker.bootstrapServers(), "--set", "kafka.replicationFactor=1",
                "--set", "kafka.topicPrefix=" + EmbeddedKafkaExtension.uniquePrefix("image"), "--set", "management.host=127.0.0.1",
                "--set", "management.port=" + management));

        List<String> command = new ArrayList<>();
        String java = image.entrypoint().get(0);
        assertThat(java).as("the entry point runs the image's java through its PATH").isEqualTo("java");
        // Through the image's own dynamic loader and libraries, not the host's: what the image's glibc,
        // libstdc++ and libz lack (ONNX Runtime dlopens libstdc++ when the runner loads its model) fails here.
        Path libraries = root.resolve(image.env().get("LD_LIBRARY_PATH").replaceFirst("^/", ""));
        command.addAll(List.of(root.resolve("lib64/ld-linux-x86-64.so.2").toString(), "--library-path", libraries.toString()));
        command.add(root.resolve(image.env().get("PATH").replaceFirst("^/", "")).resolve("java").toString());
        for (String token : image.entrypoint().subList(1, image.entrypoint().size())) {
            command.add(token.startsWith("@/") ? "@" + classPathFile(root, token.substring(1)) : token);
        }
        command.addAll(args);

        ProcessBuilder builder = new ProcessBuilder(command).directory(root.resolve(image.workingDir().replaceFirst("^/", "")).toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("runner.log").toFile());
        builder.environment().putAll(image.env());
        builder.environment().put("PATH", root.resolve("opt/java/bin").toString());
        builder.environment().put("LD_LIBRARY_PATH", libraries.toString());
        Process process = builder.start();
        try {
            String readiness = container.getReadinessProbe().getHttpGet().getPath();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                assertThat(process.isAlive()).as("the runner is still running; its log: %s", log(dir)).isTrue();
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + readiness))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            });
            assertThat(log(dir)).contains("model fraud-lr@1 of app fraud deployed");
            process.destroy();   // SIGTERM, as the kubelet sends
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within the pod's grace period; log: %s", log(dir)).isTrue();
            assertThat(process.exitValue()).as("exit code after SIGTERM; log: %s", log(dir)).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * Every shared library the image's java and the Linux x86-64 JNI libraries in its jars (ONNX Runtime,
     * DuckDB, zstd, snappy, lz4 ...) link against resolves inside the image. Outside a container the loader
     * falls back to the host's libraries, so the run above alone would not notice one missing from the image.
     */
    @Test
    void everySharedLibraryTheImageNeedsIsInTheImage(@TempDir Path dir) throws Exception {
        Path libraries = root.resolve(image.env().get("LD_LIBRARY_PATH").replaceFirst("^/", ""));
        List<Path> objects = new ArrayList<>();
        try (var files = Files.walk(root.resolve("opt/java"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".so") && !f.getFileName().toString().matches("lib(awt_xawt|jawt|splashscreen|jsound|fontmanager|lcms|javajpeg|mlib_image|awt)\\.so"))
                    .forEach(objects::add);
        }
        objects.add(root.resolve("opt/java/bin/java"));
        int jni = 0;
        try (var jars = Files.list(root.resolve("app/libs"))) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
                Path into = dir.resolve("natives").resolve(jar.getFileName().toString());
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                    for (var entry : java.util.Collections.list(zip.entries())) {
                        String name = entry.getName().toLowerCase(java.util.Locale.ROOT);
                        if (name.matches(".*\\.so([._].*)?") && name.contains("linux") && name.matches(".*(x86_64|amd64|x64).*") && !name.contains("musl")) {
                            Path out = into.resolve(entry.getName().replaceAll(".*/", ""));
                            Files.createDirectories(into);
                            try (var in = zip.getInputStream(entry)) {
                                Files.copy(in, out);
                            }
                            objects.add(out);
                            jni++;
                        }
                    }
                }
            }
        }
        assertThat(jni).as("JNI libraries found in the image's jars").isGreaterThanOrEqualTo(5);
        List<String> outside = new ArrayList<>();
        for (Path object : objects) {
            // A JNI library may need its siblings (libonnxruntime4j_jni.so needs libonnxruntime.so): Java loads them itself.
            String path = libraries + ":" + object.getParent();
            Process list = new ProcessBuilder(root.resolve("lib64/ld-linux-x86-64.so.2").toString(), "--library-path", path, "--list", object.toString())
                    .redirectErrorStream(true).start();
            String out = new String(list.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (String line : out.split("\n")) {
                java.util.regex.Matcher resolved = java.util.regex.Pattern.compile("^\\s*(\\S+) => (\\S+)").matcher(line);
                if (resolved.find() && !resolved.group(2).startsWith(root.toString()) && !resolved.group(2).startsWith(object.getParent().toString())) {
                    outside.add(object.getFileName() + ": " + line.trim());
                }
            }
        }
        assertThat(outside).as("libraries resolved outside the image").isEmpty();
    }

    /** Jib's class path file names /app/...; the same files, under the unpacked root. */
    private static Path classPathFile(Path root, String path) throws IOException {
        String classPath = Files.readString(root.resolve(path.replaceFirst("^/", ""))).trim();
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(":")) {
            entries.add(root.resolve(entry.replaceFirst("^/", "")).toString());
        }
        return Files.writeString(root.resolve("app/unpacked-classpath-file"), String.join(":", entries));
    }

    private static ConfigMap configMap(List<HasMetadata> resources, String name) {
        return resources.stream().filter(r -> r instanceof ConfigMap c && c.getMetadata().getName().equals(name)).map(ConfigMap.class::cast)
                .findFirst().orElseThrow();
    }

    private static void materialize(ConfigMap map, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> entry : map.getData() == null ? Map.<String, String>of().entrySet() : map.getData().entrySet()) {
            Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
        }
        for (Map.Entry<String, String> entry : map.getBinaryData() == null ? Map.<String, String>of().entrySet() : map.getBinaryData().entrySet()) {
            Files.write(dir.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
        }
    }

    private static String log(Path dir) throws IOException {
        String log = Files.exists(dir.resolve("runner.log")) ? Files.readString(dir.resolve("runner.log")) : "";
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
