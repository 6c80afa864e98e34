package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails when the packages of this module's main sources depend on each other in a cycle (house style:
 * no back-and-forth). An edge is an {@code import [static] dev.rendezvous…} line or a fully qualified
 * {@code dev.rendezvous….Type} anywhere in a file (a javadoc link counts too, on purpose). A copy of this
 * class lives in model-runner, replay and bench: sharing it would take a test-jar or a module of its own.
 */
class PackageCyclesTest {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    /** A package name followed by a type name: the first segment that starts with an upper-case letter ends the package. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.rendezvous(?:\\.[a-z_][a-z0-9_]*)*(?=\\.[A-Z])");

    @Test
    void mainSourcesHaveNoPackageCycle() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        Path root = Path.of("src/main/java");
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.put(root.relativize(f).toString(), read(f)));
        }
        assertThat(sources).isNotEmpty();

        assertThat(cycle(edges(sources))).as("a package cycle (package -> package [files])").isEmpty();
    }

    @Test
    void findsACycleThroughThreePackages() {
        Map<String, String> sources = Map.of(
                "A.java", "package dev.rendezvous.x.a;\nimport dev.rendezvous.x.b.B;\n",
                "B.java", "package dev.rendezvous.x.b;\nimport static dev.rendezvous.x.c.C.run;\n",
                "C.java", "package dev.rendezvous.x.c;\nclass C { Object a = new dev.rendezvous.x.a.A(); }\n",
                "D.java", "package dev.rendezvous.x.d;\nimport dev.rendezvous.x.a.A;\nimport dev.rendezvous.elsewhere.E;\n");

        assertThat(cycle(edges(sources))).hasValueSatisfying(found -> assertThat(found)
                .contains("dev.rendezvous.x.a -> dev.rendezvous.x.b [A.java]", "dev.rendezvous.x.b -> dev.rendezvous.x.c [B.java]",
                        "dev.rendezvous.x.c -> dev.rendezvous.x.a [C.java]")
                .doesNotContain("dev.rendezvous.x.d"));
        assertThat(cycle(edges(Map.of("A.java", sources.get("A.java"), "B.java", sources.get("B.java"))))).isEmpty();
    }

    /** From package to package (both of these sources), with the files that make each edge. */
    private static Map<String, Map<String, Set<String>>> edges(Map<String, String> sources) {
        Map<String, String> packageOf = new TreeMap<>();
        sources.forEach((file, text) -> {
            Matcher m = PACKAGE.matcher(text);
            assertThat(m.find()).as("package declaration of %s", file).isTrue();
            packageOf.put(file, m.group(1));
        });
        Set<String> packages = new TreeSet<>(packageOf.values());
        Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
        sources.forEach((file, text) -> {
            String from = packageOf.get(file);
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                String to = m.group();
                if (!to.equals(from) && packages.contains(to)) {
                    edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(Path.of(file).getFileName().toString());
                }
            }
        });
        return edges;
    }

    /** One cycle as its edges, if there is any (depth-first search for a back edge). */
    private static Optional<String> cycle(Map<String, Map<String, Set<String>>> edges) {
        Set<String> done = new TreeSet<>();
        for (String start : edges.keySet()) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> found = walk(start, edges, path, done);
            if (found.isPresent()) {
                List<String> loop = found.get();
                List<String> described = new ArrayList<>();
                for (int i = 0; i < loop.size(); i++) {
                    String from = loop.get(i);
                    String to = loop.get((i + 1) % loop.size());
                    described.add(from + " -> " + to + " " + edges.get(from).get(to).stream().collect(Collectors.joining(", ", "[", "]")));
                }
                return Optional.of(String.join("\n", described));
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> walk(String node, Map<String, Map<String, Set<String>>> edges, List<String> path, Set<String> done) {
        int onPath = path.indexOf(node);
        if (onPath >= 0) {
            return Optional.of(List.copyOf(path.subList(onPath, path.size())));
        }
        if (done.contains(node)) {
            return Optional.empty();
        }
        path.add(node);
        for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
            Optional<List<String>> found = walk(next, edges, path, done);
            if (found.isPresent()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }
}
