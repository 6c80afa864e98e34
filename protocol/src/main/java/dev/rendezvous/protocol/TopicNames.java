package dev.rendezvous.protocol;

import java.util.regex.Pattern;

/**
 * Every topic name the platform uses, under one configurable prefix (empty by default), so that
 * several platforms or test runs can share a cluster.
 */
public record TopicNames(String prefix) {
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** Kafka's own limit on topic names. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final String GATEWAY_REPLIES = "rdv.replies.";
    private static final String CLIENT_REPLIES_SUFFIX = ".replies";

    public TopicNames {
        prefix = prefix == null ? "" : prefix;
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' may contain only letters, digits, '.', '_' and '-'");
        }
    }

    /** Whether {@code app} is a legal application name (it becomes part of topic names). */
    public static boolean isLegalApp(String app) {
        return app != null && APP.matcher(app).matches();
    }

    /** Why {@code app} is not a legal application name, for error messages. */
    public static String appProblem(String app) {
        return "app name '" + abbreviate(app) + "' must be 1-63 characters of lower-case letters, digits, '_' or '-'";
    }

    /**
     * Why {@code topic} cannot be a request's {@code replyTo}, or null when it can. A reply topic is a
     * client's own topic named {@code <anything>.replies} or a gateway's {@code <prefix>rdv.replies.<instance>};
     * no platform topic (requests, scores, results, policies, ...) has either form, so a record can never
     * make the rendezvous write a decision into one.
     */
    public static String replyTopicProblem(String topic) {
        if (topic == null || !TOPIC.matcher(topic).matches()) {
            return "'" + abbreviate(topic) + "' is not a legal Kafka topic name (1-249 letters, digits, '.', '_' or '-')";
        }
        if (topic.endsWith(CLIENT_REPLIES_SUFFIX) || isGatewayReplyName(topic)) {
            return null;
        }
        return "'" + topic + "' is not a reply topic: reply topics are named '<name>.replies' (clients) or '"
                + GATEWAY_REPLIES + "<instance>' (gateways)";
    }

    /**
     * For a reply topic that {@link #replyTopicProblem} accepted (every decoded {@link ScoringRequest}'s
     * is): why it is not one of this platform's, or null. A gateway reply topic must be under this
     * prefix; a client's {@code .replies} topic may be named anything.
     */
    public String foreignReplyTopicProblem(String topic) {
        if (topic.endsWith(CLIENT_REPLIES_SUFFIX) || topic.startsWith(prefix + GATEWAY_REPLIES)) {
            return null;
        }
        return "'" + topic + "' is a gateway reply topic of another platform (this one's are '" + prefix + GATEWAY_REPLIES + "<instance>')";
    }

    private static boolean isGatewayReplyName(String topic) {
        int at = topic.indexOf(GATEWAY_REPLIES);
        return at >= 0 && topic.length() > at + GATEWAY_REPLIES.length();
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() > 80 ? text.substring(0, 80) + "... (" + text.length() + " characters)" : text;
    }

    public String requests(String app) {
        return appTopic(app, "requests");
    }

    public String scores(String app) {
        return appTopic(app, "scores");
    }

    public String decoy(String app) {
        return appTopic(app, "decoy");
    }

    public String results(String app) {
        return appTopic(app, "results");
    }

    public String deadLetter(String app) {
        return appTopic(app, "dead-letter");
    }

    /** Compacted: the analytics service's per-model, per-window figures ({@link ModelAnalytics}). */
    public String analytics(String app) {
        return appTopic(app, "analytics");
    }

    /**
     * Compacted: the same figures over sliding windows, one record per window as each advance
     * completes it; apart from the tumbling ones so that a reader of either never mixes the two.
     */
    public String analyticsSliding(String app) {
        return appTopic(app, "analytics.sliding");
    }

    /** The analytics service's alerts ({@link AnalyticsAlert}): drift or disagreement over a threshold. */
    public String alerts(String app) {
        return appTopic(app, "alerts");
    }

    /** The reply topic of one gateway instance: its return address. */
    public String replies(String gatewayInstance) {
        return prefix + "rdv.replies." + gatewayInstance;
    }

    /** Compacted: one policy per application, keyed by app. */
    public String policies() {
        return prefix + "rdv.policies";
    }

    /** Compacted: the model registry, keyed by {@code app/name/version}. */
    public String models() {
        return prefix + "rdv.models";
    }

    /** Compacted: runner heartbeats, keyed by {@code app/name/version/instance}. */
    public String heartbeats() {
        return prefix + "rdv.heartbeats";
    }

    /** A consumer group name under the same prefix, so that platforms sharing a cluster never share a group. */
    public String group(String name) {
        return prefix + name;
    }

    private String appTopic(String app, String kind) {
        if (!isLegalApp(app)) {
            throw new IllegalArgumentException(appProblem(app));
        }
        return prefix + app + "." + kind;
    }
}
