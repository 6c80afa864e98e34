package dev.rendezvous.deploy.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard in {@code deploy/grafana}: its PromQL queries and the platform metrics they name. */
public final class GrafanaDashboard {
    /** Tests run in the deploy module's directory. */
    public static final Path FILE = Path.of("grafana", "rendezvous-analytics.json");
    /** The platform's metrics all start with {@code rdv_}; label values and PromQL functions never do. */
    private static final Pattern METRIC = Pattern.compile("\\brdv_[a-z0-9_]+");

    private GrafanaDashboard() {
    }

    /** Every query: each panel target's {@code expr} and each templating variable's {@code query}. */
    public static List<String> queries(Path file) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText(""));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                queries.add(variable.path("query").asText(""));
            }
        }
        return queries;
    }

    /** The platform metric names {@code query} reads. */
    public static Set<String> metricsOf(String query) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(query);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /** The metric names in a Prometheus text exposition (each sample line's name). */
    public static Set<String> exported(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                int space = line.indexOf(' ');
                names.add(line.substring(0, end >= 0 && (space < 0 || end < space) ? end : space));
            }
        }
        return names;
    }
}
