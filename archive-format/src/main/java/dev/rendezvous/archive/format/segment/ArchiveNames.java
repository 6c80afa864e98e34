package dev.rendezvous.archive.format.segment;

import dev.rendezvous.protocol.RequestIds;
import dev.rendezvous.protocol.TopicNames;

/** Checks names that come from outside (CLI, admin API) before they become file paths or search keys. */
public final class ArchiveNames {
    private ArchiveNames() {
    }

    /** Rejects anything but a legal application name, which also keeps {@code ..} and {@code /} out of paths. */
    public static void requireApp(String app) {
        if (app == null || !TopicNames.isLegalApp(app)) {
            throw new IllegalArgumentException("application '" + app + "' is not a legal name; expected 1-63 lower-case letters, digits, '_' or '-'");
        }
    }

    public static void requireRequestId(String requestId) {
        RequestIds.problemWith(requestId).ifPresent(problem -> {
            throw new IllegalArgumentException("request id '" + requestId + "': " + problem);
        });
    }
}
