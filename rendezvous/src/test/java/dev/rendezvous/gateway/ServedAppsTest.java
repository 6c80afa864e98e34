package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.app.AppSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServedAppsTest {
    private final List<String> warmed = new ArrayList<>();
    private final Set<String> unreachable = new java.util.HashSet<>();
    private final ServedApps served = new ServedApps(List.of(new AppSettings("fraud", 3, 100)));
    private final InflightLimiter limiter = new InflightLimiter(10, 5);

    ServedAppsTest() {
        served.connect(new ServedApps.Intake() {
            @Override
            public void awaitMetadata(String app) {
                if (unreachable.contains(app)) {
                    throw new IllegalStateException("no metadata for " + app + ".requests within 30 s");
                }
                warmed.add(app);
            }

            @Override
            public Map<String, AdaptiveLimit> adaptiveLimits(String app) {
                return Map.of();
            }
        }, limiter);
    }

    @Test
    void aRouteHoldingTheLiveViewSeesAnAddedAppAtOnce() throws Exception {
        Set<String> heldByARoute = java.util.Collections.unmodifiableSet(served.byName().keySet());

        assertThat(served.add(new AppSettings("loans", 2, 200))).isTrue();

        assertThat(heldByARoute).containsExactly("fraud", "loans");
        assertThat(warmed).containsExactly("loans");
        assertThat(limiter.tryAcquire("loans")).isEqualTo(InflightLimiter.Admission.ADMITTED);
    }

    @Test
    void addingAServedAppAgainChangesNothing() throws Exception {
        assertThat(served.add(new AppSettings("fraud", 9, 999))).isFalse();
        assertThat(served.add(new AppSettings("loans", 2, 200))).isTrue();
        assertThat(served.add(new AppSettings("loans", 2, 200))).isFalse();

        assertThat(served.byName().get("fraud").partitions()).isEqualTo(3);
        assertThat(warmed).as("metadata fetched once, for the new app only").containsExactly("loans");
    }

    @Test
    void anAppWhoseTopicHasNoMetadataIsNotServed() {
        unreachable.add("loans");

        assertThatThrownBy(() -> served.add(new AppSettings("loans", 2, 200))).hasMessageContaining("no metadata for loans.requests");
        assertThat(served.contains("loans")).isFalse();
    }
}
