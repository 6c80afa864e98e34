package dev.rendezvous.archiver;

import dev.rendezvous.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** Runs the archiver on its own: {@code ArchiverMain <bootstrap-servers> <archive-dir> <app>[,<app>...] [<topic-prefix>]}. */
public final class ArchiverMain {
    private ArchiverMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: ArchiverMain <bootstrap-servers> <archive-dir> <app>[,<app>...] [<topic-prefix>]");
            System.exit(2);
        }
        Set<String> apps = new LinkedHashSet<>(List.of(args[2].split(",")));
        KafkaSettings settings = KafkaSettings.local(args[0], args.length == 4 ? args[3] : "");
        Archiver archiver = Archiver.start(settings, Path.of(args[1]), apps);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            archiver.close();
            stopped.countDown();
        }, "archiver-shutdown"));
        stopped.await();
    }
}
