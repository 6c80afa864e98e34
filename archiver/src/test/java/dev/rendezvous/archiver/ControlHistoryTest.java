package dev.rendezvous.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archiver.trace.ControlHistory;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.ModelRole;
import dev.rendezvous.protocol.PolicyRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-plane history read back from archived {@code rdv.policies} and {@code rdv.models} records. */
class ControlHistoryTest {
    @TempDir
    Path archiveDir;

    @Test
    void numbersPolicyVersionsByOffsetKeepsEachAppsOwnAndLeavesOutRecordsThatWereNeverInForce() throws Exception {
        archive(RecordKind.POLICIES, List.of(
                record("rdv.policies", 0, "fraud", policy("fraud", "config", 100)),
                record("rdv.policies", 1, "claims", policy("claims", "config", 101)),
                record("rdv.policies", 2, "fraud", "{not json".getBytes(StandardCharsets.UTF_8)),
                record("rdv.policies", 3, "fraud", policy("fraud", "admin-api token sha256:abc", 103))));

        ControlHistory history = new ControlHistory(archiveDir);

        assertThat(history.policies("fraud")).extracting(ControlHistory.PolicyVersion::version).containsExactly(1L, 4L);
        assertThat(history.policy("fraud", 4)).hasValueSatisfying(v -> {
            assertThat(v.updatedBy()).isEqualTo("admin-api token sha256:abc");
            assertThat(v.policy().path("deadline").asText()).isEqualTo("103ms");
            assertThat(v.at()).isEqualTo("rdv.policies-0@3");
        });
        assertThat(history.policy("fraud", 2)).as("claims' version").isEmpty();
        assertThat(history.policy("fraud", 3)).as("an invalid record was never in force").isEmpty();
    }

    @Test
    void tellsEachRoleChangeFromWhatItReplacedAndWhichEntryWasInForceAtAGivenTime() throws Exception {
        ModelRegistration canary = registration("fraud-lr", "2", ModelRole.CANARY, 1_000, "runner r1");
        ModelRegistration live = canary.withRole(ModelRole.LIVE, "cli ann@host", 2_000);
        ModelRegistration other = registration("fraud-fm", "1", ModelRole.LIVE, 1_500, "runner r2");
        archive(RecordKind.MODELS, List.of(
                record("rdv.models", 0, canary.key(), JsonCodec.encode(canary)),
                record("rdv.models", 1, other.key(), JsonCodec.encode(other)),
                record("rdv.models", 2, live.key(), JsonCodec.encode(live)),
                record("rdv.models", 3, "claims/x/1", JsonCodec.encode(new ModelRegistration("claims", "x", "1", ModelRole.LIVE, "onnx", null, null, null, 10)))));

        ControlHistory history = new ControlHistory(archiveDir);

        List<ControlHistory.RegistryEntry> entries = history.registry("fraud");
        assertThat(entries).extracting(e -> e.registration().ref() + " " + e.previousRole() + "->" + e.registration().role() + " " + e.registration().changedBy())
                .containsExactly("fraud-lr@2 null->CANARY runner r1", "fraud-fm@1 null->LIVE runner r2", "fraud-lr@2 CANARY->LIVE cli ann@host");
        ModelRef ref = ModelRef.parse("fraud-lr@2");
        assertThat(history.registrationAt("fraud", ref, 1_999)).map(e -> e.registration().role()).contains(ModelRole.CANARY);
        assertThat(history.registrationAt("fraud", ref, 2_000)).map(e -> e.registration().role()).contains(ModelRole.LIVE);
        assertThat(history.registrationAt("fraud", ref, 999)).isEqualTo(Optional.empty());
        assertThat(history.historyJson("fraud").path("models").get(2).path("from").asText()).isEqualTo("canary");
    }

    private void archive(RecordKind kind, List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        try (PartitionArchive archive = PartitionArchive.open(archiveDir, new ArchiveTarget(RecordKind.CONTROL_DIR, kind), 0, 64L << 20)) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                archive.append(record);
            }
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, long offset, String key, byte[] value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(topic, 0, offset, 1_700_000_000_000L + offset, TimestampType.CREATE_TIME, keyBytes.length, value.length,
                keyBytes, value, new RecordHeaders(), Optional.empty());
    }

    private static byte[] policy(String app, String by, long deadlineMs) {
        return JsonCodec.encode(new PolicyRecord(app, JsonCodec.mapper().createObjectNode().put("app", app).put("deadline", deadlineMs + "ms"), by, 0));
    }

    private static ModelRegistration registration(String name, String version, ModelRole role, long atMs, String by) {
        return new ModelRegistration("fraud", name, version, role, "onnx", "ab".repeat(32), null, null, atMs, by);
    }
}
