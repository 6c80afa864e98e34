package dev.rendezvous.deploy.launch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Turns SIGTERM and SIGINT into a call, instead of the JVM's default of exiting through shutdown hooks. */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    static void onTermOrInterrupt(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException e) {
                // Some platforms do not let a program handle a signal; the shutdown hook still stops the platform.
                LOG.warn("cannot handle SIG{} here ({}); stopping will rely on the shutdown hook", name, e.getMessage());
            }
        }
    }
}
