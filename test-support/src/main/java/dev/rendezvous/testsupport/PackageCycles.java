package dev.rendezvous.testsupport;

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

/**
 * Finds a cycle among the packages of a module's sources (house style: no back-and-forth between
 * packages). An edge is an {@code import [static] dev.rendezvous…} line or a fully qualified
 * {@code dev.rendezvous….Type} anywhere in a file (a javadoc link counts too, on purpose). Each
 * module's {@code PackageCyclesTest} calls {@link #in(Path)} on its {@code src/main/java}.
 */
public final class PackageCycles {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    /** A package name followed by a type name: the first segment that starts with an upper-case letter ends the package. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.rendezvous(?:\\.[a-z_][a-z0-9_]*)*(?=\\.[A-Z])");

    private PackageCycles() {
    }

    /**
     * One cycle among the packages of the Java sources under {@code sourceRoot}, as its edges
     * ({@code package -> package [files]}, one a line), or empty when there is none.
     *
     * @throws IllegalArgumentException when the directory holds no Java source (a wrong path would pass otherwise)
     */
    public static Optional<String> in(Path sourceRoot) {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.put(sourceRoot.relativize(f).toString(), read(f)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + sourceRoot, e);
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no Java sources under " + sourceRoot.toAbsolutePath());
        }
        return cycle(edges(sources));
    }

    /** From package to package (both of these sources), with the files that make each edge. */
    static Map<String, Map<String, Set<String>>> edges(Map<String, String> sources) {
        Map<String, String> packageOf = new TreeMap<>();
        sources.forEach((file, text) -> {
            Matcher m = PACKAGE.matcher(text);
            if (!m.find()) {
                throw new IllegalArgumentException("no package declaration in " + file);
            }
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
    static Optional<String> cycle(Map<String, Map<String, Set<String>>> edges) {
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
