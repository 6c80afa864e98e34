package dev.rendezvous.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The image Jib wrote (Docker archive format): its configuration (entry point, default args, env,
 * working directory) and its file system, unpacked layer by layer into a directory. A few dozen lines
 * of tar reading instead of a dependency: regular files, directories and PAX long names are all Jib writes.
 */
record ImageTarball(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workingDir, String user) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ImageTarball unpack(Path tarball, Path root) throws IOException {
        Path outer = root.resolveSibling(root.getFileName() + "-archive");
        extract(Files.newInputStream(tarball), outer);
        JsonNode manifest = JSON.readTree(outer.resolve("manifest.json").toFile()).get(0);
        for (JsonNode layer : manifest.path("Layers")) {
            extract(new GZIPInputStream(Files.newInputStream(outer.resolve(layer.asText())), 1 << 16), root);
        }
        JsonNode config = JSON.readTree(outer.resolve(manifest.path("Config").asText()).toFile()).path("config");
        Map<String, String> env = new HashMap<>();
        config.path("Env").forEach(e -> env.put(e.asText().substring(0, e.asText().indexOf('=')), e.asText().substring(e.asText().indexOf('=') + 1)));
        return new ImageTarball(strings(config.path("Entrypoint")), strings(config.path("Cmd")), env, config.path("WorkingDir").asText(),
                config.path("User").asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static void extract(InputStream raw, Path into) throws IOException {
        Files.createDirectories(into);
        try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                int mode = Integer.parseInt(field(header, 100, 8).trim().isEmpty() ? "644" : field(header, 100, 8).trim(), 8);
                char type = (char) header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
                        int at = line.indexOf(" path=");
                        if (at >= 0) {
                            longName = line.substring(at + 6);
                        }
                    }
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                Path target = into.resolve(name.replaceFirst("^/+", "")).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("tar entry " + name + " points outside " + into);
                }
                if (type == '5') {
                    Files.createDirectories(target);
                } else if (type == '0' || type == 0) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, body);
                    Files.setPosixFilePermissions(target, permissions(mode));
                }
            }
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if ((mode & 0100) != 0) {
            set.add(PosixFilePermission.OWNER_EXECUTE);
        }
        return set;
    }
}
