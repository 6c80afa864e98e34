package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archiver.segment.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps snapshot creation and retention of one application apart, so that retention never deletes a
 * segment that a snapshot being written is about to reference. A file lock works across processes;
 * the in-JVM lock is needed as well because file locks are held per process.
 */
final class AppLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock fileLock;

    private AppLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
        this.local = local;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static AppLock acquire(Path snapshotsDir) throws IOException {
        DurableFiles.createDirectoriesDurably(snapshotsDir);
        Path file = snapshotsDir.resolve(".lock").toAbsolutePath();
        ReentrantLock local = LOCAL.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try {
            FileChannel channel = DurableFiles.createOwnerOnly(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new AppLock(local, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
