package dev.rendezvous.model.runtimes.plugin;

import dev.rendezvous.model.api.Model;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Test fixture: compiles plug-in sources with javax.tools against the runner's {@code api} classes and
 * jars them with a ServiceLoader file. The sources stay outside the test class path on purpose: a
 * plug-in's classes must come from its jar, as they would in production.
 */
public final class PluginJars {
    /** The example plug-in shipped with the runner: hand-written fraud rules. */
    public static final Path FRAUD_RULES_SOURCES = Path.of("src", "test", "plugins", "fraud-rules");
    public static final String FRAUD_RULES = "dev.rendezvous.examples.FraudRules";

    private PluginJars() {
    }

    /** Compiles every .java file under {@code sources} and writes a jar providing {@code providers} as Models. */
    public static Path build(Path sources, Path jar, List<String> providers) throws Exception {
        Path classes = Files.createTempDirectory(jar.getParent(), "classes");
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        String apiClasses = Path.of(Model.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", apiClasses, "--release", "17", "-nowarn"));
        arguments.addAll(files);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler.run(null, null, null, arguments.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("cannot compile the plug-in sources in " + sources);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            if (!providers.isEmpty()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + Model.class.getName()));
                writeLines(out, providers);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void writeLines(OutputStream out, List<String> lines) throws Exception {
        out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
