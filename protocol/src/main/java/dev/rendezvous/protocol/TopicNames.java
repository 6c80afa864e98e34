package dev.rendezvous.protocol;

import java.util.regex.Pattern;

/**
 * Every topic name the platform uses, under one configurable prefix (empty by default), so that
 * several platforms or test runs can share a cluster.
 */
public record TopicNames(String prefix) {
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]*");
    private static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

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
            throw new IllegalArgumentException("app name '" + app + "' must be 1-63 characters of lower-case letters, digits, '_' or '-'");
        }
        return prefix + app + "." + kind;
    }
}
