package dev.rendezvous.archiver;

import java.nio.file.Path;

/** Which application and kind a topic belongs to, hence where its segments live. */
record ArchiveTarget(String app, RecordKind kind) {

    Path directory(Path archiveDir) {
        return archiveDir.resolve(app).resolve(kind.dirName());
    }
}
