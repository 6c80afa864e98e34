package dev.rendezvous.replay.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.replay.compare.ComparisonResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS and SVG, no external file of any
 * kind) with the headline numbers, the three plots and the largest changes, readable offline. A tiny
 * inline script only records script errors and how many plots rendered into the page itself
 * ({@code data-errors}, {@code data-rendered-plots} on {@code <body>}), which the headless-browser test reads.
 */
public final class HtmlReport {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1000px}
            h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
            table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .plot{border:1px solid #ddd;margin:8px 0;background:#fff}.bar{fill:#4a7ab5}.point{fill:#c0504d;fill-opacity:.5}
            .dot{fill:#2e7d32}.line{fill:none;stroke:#2e7d32;stroke-width:2}.axis{fill:none;stroke:#444}
            .diagonal{stroke:#999;stroke-dasharray:4 3}.label{font-size:11px;fill:#333}.muted{color:#666;font-size:.85em}
            """;
    private static final String SELF_CHECK = """
            (function(){var errors=[];
            function show(){var b=document.body;if(!b)return;b.setAttribute('data-errors',String(errors.length));
            var p=document.getElementById('page-errors');if(p)p.textContent=errors.join('\\n');}
            window.onerror=function(m,s,l,c){errors.push(m+' (line '+l+':'+c+')');show();};
            window.addEventListener('load',function(){var n=0;var plots=document.querySelectorAll('svg.plot');
            for(var i=0;i<plots.length;i++){var box=plots[i].getBBox();
            if(box.width>0&&box.height>0&&plots[i].querySelectorAll('rect,circle,polyline').length>0)n++;}
            document.body.setAttribute('data-rendered-plots',String(n));show();});})();
            """;

    private HtmlReport() {
    }

    public static void write(Path file, JsonNode report, ComparisonResult result) throws IOException {
        Files.write(file, render(report, result).getBytes(StandardCharsets.UTF_8));
    }

    static String render(JsonNode report, ComparisonResult result) {
        JsonNode model = report.get("model");
        JsonNode against = report.get("against");
        String baseline = against.path("kind").asText().equals("served") ? "what was served"
                : against.path("name").asText() + "@" + against.path("version").asText();
        StringBuilder html = new StringBuilder(256 * 1024);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Replay of ")
                .append(escape(model.path("name").asText() + "@" + model.path("version").asText())).append("</title><style>")
                .append(STYLE).append("</style><script>").append(SELF_CHECK).append("</script></head><body>");
        html.append("<h1>Replay: ").append(escape(model.path("name").asText() + "@" + model.path("version").asText()))
                .append(" against ").append(escape(baseline)).append("</h1>");
        html.append("<p class=\"muted\">Snapshot ").append(escape(report.at("/snapshot/id").asText())).append(" of app ")
                .append(escape(report.at("/snapshot/app").asText())).append(". Generated ").append(escape(report.at("/generated/at").asText()))
                .append(".</p>");
        html.append("<table>")
                .append(row("agreement rate", percent(report.get("agreementRate"))))
                .append(row("error rate (replayed model could not answer)", percent(report.get("errorRate"))));
        for (Iterator<Map.Entry<String, JsonNode>> counts = report.get("counts").fields(); counts.hasNext(); ) {
            Map.Entry<String, JsonNode> count = counts.next();
            html.append(row(count.getKey(), count.getValue().asText()));
        }
        html.append("</table><p class=\"muted\">").append(escape(report.at("/agreement/rule").asText()))
                .append(" epsilon = ").append(report.at("/agreement/epsilon").asText()).append(".</p>");
        if (report.has("redaction")) {
            html.append("<p><strong>").append(report.at("/redaction/notReproducible").asText()).append(" inputs are not reproducible</strong>: ")
                    .append(escape(report.at("/redaction/meaning").asText())).append(" (redaction ")
                    .append(escape(report.at("/redaction/versions").toString())).append(").</p>");
        }
        html.append("<h2>Score deltas</h2>").append(SvgPlots.histogram(DeltaStats.of(result.deltas()).histogram()));
        html.append("<h2>Baseline against replayed</h2>").append(SvgPlots.scatter(result.baselineScores(), result.replayedScores()));
        html.append("<h2>Agreement over time</h2>").append(SvgPlots.agreementOverTime(result.overTime()));
        largestChanges(html, report.get("largestChanges"));
        html.append("<pre id=\"page-errors\"></pre></body></html>\n");
        return html.toString();
    }

    private static void largestChanges(StringBuilder html, JsonNode changes) {
        html.append("<h2>Largest changes</h2><table><tr><th>request id</th><th>partition@offset</th><th>baseline by</th>")
                .append("<th>baseline</th><th>replayed</th><th>delta</th></tr>");
        for (JsonNode change : changes) {
            html.append("<tr><td>").append(escape(change.path("requestId").asText())).append("</td><td>")
                    .append(escape(change.path("at").asText())).append("</td><td>").append(escape(change.path("baselineBy").asText()))
                    .append("</td><td>").append(escape(change.path("baselineLabel").asText("")) + " " + SvgPlots.number(change.path("baselineScore").asDouble()))
                    .append("</td><td>").append(escape(change.path("replayedLabel").asText("")) + " " + SvgPlots.number(change.path("replayedScore").asDouble()))
                    .append("</td><td class=\"n\">").append(SvgPlots.number(change.path("delta").asDouble())).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static String row(String name, String value) {
        return "<tr><th>" + escape(name) + "</th><td class=\"n\">" + escape(value) + "</td></tr>";
    }

    private static String percent(JsonNode rate) {
        return rate == null || rate.isNull() ? "n/a" : String.format(Locale.ROOT, "%.3f %%", rate.asDouble() * 100);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
