package dev.rendezvous.deploy.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rendezvous.deploy.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard's queries are well-formed for the check; whether the platform exports them is checked in AnalyticsIT. */
class GrafanaDashboardTest {
    @Test
    void everyQueryNamesAtLeastOnePlatformMetric() throws Exception {
        List<String> queries = GrafanaDashboard.queries(GrafanaDashboard.FILE);
        assertThat(queries).hasSizeGreaterThan(8);
        assertThat(queries).allSatisfy(query -> assertThat(GrafanaDashboard.metricsOf(query)).as(query).isNotEmpty());
    }

    @Test
    void readsMetricNamesFromQueriesAndScrapes() {
        assertThat(GrafanaDashboard.metricsOf("sum by (model) (increase(rdv_analytics_alerts_total{app=\"$app\"}[5m])) / rdv_x"))
                .containsExactly("rdv_analytics_alerts_total", "rdv_x");
        assertThat(GrafanaDashboard.exported("# HELP rdv_a x\nrdv_a{app=\"f\"} 1.0\nrdv_b 2.0\n")).containsExactly("rdv_a", "rdv_b");
    }

    @Test
    void thePrometheusExampleScrapesTheDefaultManagementPort() throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("grafana", "prometheus.yml").toFile());
        JsonNode job = config.path("scrape_configs").get(0);
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        int port = ConfigLoader.load(null, Map.of()).management().port();
        assertThat(job.path("static_configs").get(0).path("targets").get(0).asText()).isEqualTo("127.0.0.1:" + port);
    }
}
