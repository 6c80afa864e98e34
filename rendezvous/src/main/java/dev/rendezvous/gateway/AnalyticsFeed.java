package dev.rendezvous.gateway;

import dev.rendezvous.protocol.ModelAnalytics;
import java.util.List;

/** The analytics figures the {@code /ui/} dashboard shows: the newest record per model and window of an app. */
public interface AnalyticsFeed {
    /** No analytics for this gateway: the dashboard's data routes answer 404 saying how to turn it on. */
    AnalyticsFeed NONE = new AnalyticsFeed() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public List<ModelAnalytics> figures(String app) {
            return List.of();
        }
    };

    boolean enabled();

    /** The app's retained figures (newest record per key), any order. */
    List<ModelAnalytics> figures(String app);
}
