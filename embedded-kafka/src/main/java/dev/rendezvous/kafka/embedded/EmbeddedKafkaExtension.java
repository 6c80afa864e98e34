package dev.rendezvous.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one real embedded broker per test JVM (kept in the root store and
 * closed when the JVM's tests end) and injects it as an {@link EmbeddedKafkaBroker} parameter. Tests
 * share the broker and isolate themselves with {@link #uniquePrefix(String)} topic prefixes.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    /** A topic prefix no other test in this JVM uses. */
    public static String uniquePrefix(String testName) {
        return "t" + PREFIXES.incrementAndGet() + "-" + testName.replaceAll("[^A-Za-z0-9]", "").toLowerCase() + ".";
    }

    private static EmbeddedKafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> new SharedBroker(), SharedBroker.class)
                .broker;
    }

    /** Closed by JUnit when the root context closes, i.e. after the last test of this JVM. */
    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Path dir;
        private final EmbeddedKafkaBroker broker;

        SharedBroker() {
            try {
                dir = Files.createTempDirectory("rdv-kafka-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            broker = EmbeddedKafkaBroker.start(dir, 0);
        }

        @Override
        public void close() throws IOException {
            broker.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
