package dev.rendezvous.chaos;

import dev.rendezvous.chaos.LoadDriver.Outcome;
import java.util.List;

/** A scenario's counts, as docs/reliability.md reports them. */
record Tally(String scenario, int requests, int model, int fallback, int shed503, int timeout504, int otherStatus,
             int noAnswer, int afterDeadline, int afterDeadlineAndGrace, int gatewayAfterDeadlineAndGrace, long slowestMs, String note) {

    static Tally of(String scenario, List<Outcome> outcomes, String note) {
        int model = 0;
        int fallback = 0;
        int shed = 0;
        int timeout = 0;
        int other = 0;
        int none = 0;
        int late = 0;
        int lateBeyondGrace = 0;
        int gatewayLate = 0;
        long slowest = 0;
        for (Outcome o : outcomes) {
            if (!o.answered()) {
                none++;
                continue;
            }
            switch (o.status()) {
                case 200 -> {
                    if ("model".equals(o.outcome())) {
                        model++;
                    } else {
                        fallback++;
                    }
                }
                case 503 -> shed++;
                case 504 -> timeout++;
                default -> other++;
            }
            slowest = Math.max(slowest, o.latencyMs());
            if (o.latencyMs() > ChaosPlatform.DEADLINE_MS) {
                late++;
            }
            if (o.latencyMs() > ChaosPlatform.DEADLINE_MS + ChaosPlatform.REPLY_GRACE_MS) {
                lateBeyondGrace++;
            }
            if (o.gatewayLatencyMs() > ChaosPlatform.DEADLINE_MS + ChaosPlatform.REPLY_GRACE_MS) {
                gatewayLate++;
            }
        }
        return new Tally(scenario, outcomes.size(), model, fallback, shed, timeout, other, none, late, lateBeyondGrace, gatewayLate, slowest, note);
    }

    static String header() {
        return "| scenario | requests | 200 model | 200 fallback | 503 | 504 | other | no HTTP answer | > deadline | > deadline + grace | > deadline + grace, gateway's clock | slowest ms | notes |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    String row() {
        return "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |".formatted(scenario, requests, model, fallback, shed503, timeout504,
                otherStatus, noAnswer, afterDeadline, afterDeadlineAndGrace, gatewayAfterDeadlineAndGrace, slowestMs, note);
    }
}
