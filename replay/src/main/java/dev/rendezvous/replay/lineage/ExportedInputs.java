package dev.rendezvous.replay.lineage;

import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ScoringRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The requests of an {@code archive export} directory, checked against its {@code export.json}: the
 * data file must have the recorded SHA-256 and row count, or nothing is trained on it.
 */
public record ExportedInputs(ExportManifest manifest, List<ScoringRequest> requests) {

    public static ExportedInputs read(Path exportDir) throws IOException {
        ExportManifest manifest = JsonCodec.mapper().readValue(exportDir.resolve("export.json").toFile(), ExportManifest.class);
        MessageDigest digest = sha256();
        List<ScoringRequest> requests = new ArrayList<>();
        try (InputStream in = new DigestInputStream(Files.newInputStream(exportDir.resolve(manifest.file())), digest);
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                requests.add(JsonCodec.decode(line.getBytes(StandardCharsets.UTF_8), ScoringRequest.class));
            }
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(manifest.sha256()) || requests.size() != manifest.rows()) {
            throw new IOException(exportDir.resolve(manifest.file()) + " has sha256 " + actual + " and " + requests.size()
                    + " rows but export.json records " + manifest.sha256() + " and " + manifest.rows() + "; re-export the snapshot");
        }
        return new ExportedInputs(manifest, List.copyOf(requests));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
