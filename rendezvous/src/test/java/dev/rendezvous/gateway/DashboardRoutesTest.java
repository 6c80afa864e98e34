package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.ModelAnalytics.Quantiles;
import dev.rendezvous.protocol.ModelRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardRoutesTest {
    private static ModelAnalytics figures(String model, long sizeMs, long startMs, double drift) {
        return new ModelAnalytics("fraud", model, "1", ModelRole.LIVE, sizeMs, startMs, 10, 10, 0.5, 0, 0, 1.0, 0.9, Map.of(), "c@1", drift, null,
                new Quantiles(10, 0.1, 0.2, 0.3, 0.4), new Quantiles(10, 1.0, 2.0, 3.0, 4.0), false, startMs + 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void showsTheNewestWindowPerSizeAndEachModelsHistoryInTimeOrder() {
        Map<String, Object> view = DashboardRoutes.view("fraud", List.of(
                figures("b", 60_000, 120_000, 0.3), figures("a", 60_000, 120_000, 0.2), figures("a", 60_000, 60_000, 0.1),
                figures("a", 3_600_000, 0, 0.05)));

        List<Map<String, Object>> windows = (List<Map<String, Object>>) view.get("windows");
        assertThat(windows).extracting(w -> w.get("sizeMs")).containsExactly(60_000L, 3_600_000L);
        Map<String, Object> minute = windows.get(0);
        assertThat(minute.get("startMs")).isEqualTo(120_000L);
        assertThat((List<ModelAnalytics>) minute.get("models")).extracting(ModelAnalytics::model).containsExactly("a", "b");
        Map<String, List<Map<String, Object>>> history = (Map<String, List<Map<String, Object>>>) minute.get("history");
        assertThat(history.get("a@1")).extracting(p -> p.get("drift")).containsExactly(0.1, 0.2);
        assertThat(history.get("a@1")).extracting(p -> p.get("latencyP99Ms")).containsExactly(3.0, 3.0);
    }

    @Test
    void anAppWithoutFiguresHasNoWindows() {
        assertThat(DashboardRoutes.view("fraud", List.of())).containsEntry("windows", List.of());
    }
}
