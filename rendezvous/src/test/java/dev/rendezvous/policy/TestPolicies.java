package dev.rendezvous.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the policies under {@code src/test/resources/policy/}. */
final class TestPolicies {
    private TestPolicies() {
    }

    static String text(String name) {
        try (InputStream in = TestPolicies.class.getResourceAsStream("/policy/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no test policy " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Policy load(String name) {
        return PolicyParser.parse(text(name), 1);
    }
}
