package dev.rendezvous.decoy;

import dev.rendezvous.kafka.KafkaSettings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** Runs the decoy on its own: {@code DecoyMain <bootstrap-servers> <app>[,<app>...] [<topic-prefix>]}. */
public final class DecoyMain {
    private DecoyMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: DecoyMain <bootstrap-servers> <app>[,<app>...] [<topic-prefix>]");
            System.exit(2);
        }
        Set<String> apps = new LinkedHashSet<>(List.of(args[1].split(",")));
        KafkaSettings settings = KafkaSettings.local(args[0], args.length == 3 ? args[2] : "");
        DecoyService decoy = DecoyService.start(settings, apps);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            decoy.close();
            stopped.countDown();
        }, "decoy-shutdown"));
        stopped.await();
    }
}
