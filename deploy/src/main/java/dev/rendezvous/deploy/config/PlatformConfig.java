package dev.rendezvous.deploy.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.analytics.AnalyticsSettings;
import dev.rendezvous.engine.RendezvousSettings;
import dev.rendezvous.engine.StandbySettings;
import dev.rendezvous.gateway.InvalidInputAction;
import dev.rendezvous.gateway.SheddingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole platform's configuration, as read from {@code rendezvous.yaml} over the built-in
 * defaults. Every field has a default; validation happens in {@link ConfigLoader}.
 */
public record PlatformConfig(List<Service> services, Kafka kafka, Gateway gateway, Management management, List<App> apps, Models models,
                             Archive archive, StandbySettings standby, RendezvousSettings rendezvous, AnalyticsSettings analytics) {

    /**
     * The parts one process can run; a production deployment runs each in its own process.
     * {@code KAFKA} is the embedded broker alone (with the platform's topics), for running every other
     * service in its own process against it; {@code STANDBY} is a hot-standby rendezvous that answers
     * the requests of a rendezvous that died, until its group hands them to a survivor; {@code ANALYTICS}
     * computes the models' agreement, drift and shares off the request path (opt-in, docs/analytics.md).
     */
    public enum Service {
        GATEWAY, RENDEZVOUS, MODELS, DECOY, ARCHIVER, KAFKA, STANDBY, ANALYTICS;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Service parse(String text) {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    public boolean runs(Service service) {
        return services.contains(service);
    }

    /**
     * Where Kafka is: an embedded broker started in-process (the local default), or an external
     * cluster given by {@code bootstrapServers} plus any client {@code properties} (TLS, SASL …).
     */
    public record Kafka(boolean embedded, int embeddedPort, Path dataDir, String bootstrapServers, String topicPrefix,
                        int replicationFactor, Map<String, String> properties, String memberName) {
    }

    /**
     * The HTTP gateway; an empty {@code adminToken} means "generate one for this run and write it to
     * {@code adminTokenFile}" (owner-only, mode 0600; the banner prints the path, never the token).
     * {@code shedding} is the gateway's own record: it validates itself, naming the key.
     * {@code archiveReaders}: per app, who may read its archive over HTTP (trace, SQL).
     * {@code bodyTimeoutMs}: how long a request body may take to arrive (408 after).
     */
    public record Gateway(String host, int port, String instanceId, long replyGraceMs, int maxBodyBytes, String adminToken, Path adminTokenFile,
                          int maxInflight, int maxInflightPerApp, int maxJsonDepth, int maxArrayLength,
                          Map<String, Set<String>> apiKeys, long shutdownGraceMs, SheddingConfig shedding,
                          Map<String, ArchiveReader> archiveReaders, long bodyTimeoutMs) {
        public Gateway {
            archiveReaders = archiveReaders == null ? Map.of() : Map.copyOf(archiveReaders);
        }
    }

    /**
     * One app's archive-reader token: given as {@code token}, or kept in {@code tokenFile} — read when
     * it exists (it must be readable by its owner only), else generated and written there owner-only.
     * Exactly one of the two.
     */
    public record ArchiveReader(String token, Path tokenFile) {
    }

    /**
     * The process's management endpoints — {@code /health/live}, {@code /health/ready} (every service
     * this process runs) and {@code /metrics} — on their own port, whichever services run, so that a
     * rendezvous, runner, decoy or archiver process can be probed and scraped like the gateway.
     */
    public record Management(boolean enabled, String host, int port) {
    }

    /**
     * One application: its topics' partitions and retention, its rendezvous policy, how its archive is
     * kept, and what the gateway does with a request that fails its models' input signature
     * ({@code onInvalidInput}: {@code reject}, the default, or {@code fallback}; checked by {@link ConfigLoader}).
     */
    public record App(String name, int partitions, long retentionMs, JsonNode policy, AppArchive archive, String onInvalidInput) {
        public static final int DEFAULT_PARTITIONS = 3;
        public static final long DEFAULT_RETENTION_MS = 7L * 24 * 3600 * 1000;

        /**
         * Reads an {@code apps:} entry; {@code partitions} and {@code retentionMs} may be left out. A
         * user's list replaces the default one whole, so the defaults live here, not in the default YAML
         * (an entry without retentionMs failed with "Cannot map null into type long").
         */
        @JsonCreator
        static App read(@JsonProperty("name") String name, @JsonProperty("partitions") Integer partitions,
                        @JsonProperty("retentionMs") Long retentionMs, @JsonProperty("policy") JsonNode policy,
                        @JsonProperty("archive") AppArchive archive, @JsonProperty("onInvalidInput") String onInvalidInput) {
            return new App(name, partitions == null ? DEFAULT_PARTITIONS : partitions,
                    retentionMs == null ? DEFAULT_RETENTION_MS : retentionMs, policy, archive == null ? AppArchive.NONE : archive,
                    onInvalidInput == null ? InvalidInputAction.REJECT.wireName() : onInvalidInput);
        }

        /** {@code onInvalidInput} read; call after {@link ConfigLoader} validated it. */
        public InvalidInputAction invalidInputAction() {
            return InvalidInputAction.parse("onInvalidInput", onInvalidInput);
        }
    }

    /**
     * One application's archive: scheduled snapshots (run by the archiver) and redaction of the decoy's
     * copy (run by the decoy). Either may be left out.
     */
    public record AppArchive(Snapshots snapshots, Redaction redaction) {
        static final AppArchive NONE = new AppArchive(null, null);
    }

    /**
     * {@code schedule}: {@code hourly}, {@code daily}, {@code weekly} or an ISO-8601 duration;
     * {@code keep}: which scheduled snapshots survive (all, when left out).
     */
    public record Snapshots(String schedule, Keep keep) {
    }

    /** Keep the newest {@code last} scheduled snapshots and/or those younger than {@code for} (ISO-8601, e.g. P7D). */
    public record Keep(Integer last, @JsonProperty("for") String maxAge) {
    }

    /**
     * Features to drop, hash (HMAC-SHA-256) or truncate (to a number of characters) in the decoy's copy;
     * the hash key is read from {@code hashKeyFile} (owner-only) or the environment variable
     * {@code hashKeyEnv}, never written in the YAML.
     */
    public record Redaction(List<String> drop, List<String> hash, Map<String, Integer> truncate, Path hashKeyFile, String hashKeyEnv) {
        public Redaction {
            drop = drop == null ? List.of() : List.copyOf(drop);
            hash = hash == null ? List.of() : List.copyOf(hash);
            truncate = truncate == null ? Map.of() : Map.copyOf(truncate);
        }
    }

    /** Which models to run: the demo models (trained on first start) and/or manifest files. */
    public record Models(boolean demo, Path demoDir, List<Path> manifests) {
    }

    /**
     * Where the archiver writes, when it seals a segment (whichever limit comes first), and how long
     * written lines may wait for their fsync (offsets are committed only after it).
     */
    public record Archive(boolean enabled, Path dir, long maxSegmentBytes, long maxSegmentAgeMs, long maxSyncDelayMs, long maxUnsyncedBytes) {
    }
}
