package dev.rendezvous.engine;

/**
 * How a hot-standby rendezvous ({@code services: [standby]}, config section {@code standby}) covers for the owner of a partition.
 *
 * @param takeoverDelayMs  how long after its own decision a standby waits for the owner's before it
 *                         publishes its own: longer than the owner's decision takes to show on the
 *                         results topic (a few ms), short enough that the answer still beats the
 *                         gateway's grace
 * @param takeoverWindowMs how long past a request's deadline a standby may still answer it; a request
 *                         older than that is left to the partition's next owner, which re-reads every
 *                         undecided request (so a standby started late never floods old answers)
 */
public record StandbySettings(long takeoverDelayMs, long takeoverWindowMs) {
    public static final StandbySettings DEFAULTS = new StandbySettings(50, 300);

    public StandbySettings {
        if (takeoverDelayMs < 1 || takeoverDelayMs > 10_000) {
            throw new IllegalArgumentException("standby.takeoverDelayMs: " + takeoverDelayMs + " is not between 1 and 10000");
        }
        if (takeoverWindowMs < takeoverDelayMs || takeoverWindowMs > 60_000) {
            throw new IllegalArgumentException("standby.takeoverWindowMs: " + takeoverWindowMs + " is not between standby.takeoverDelayMs ("
                    + takeoverDelayMs + ") and 60000");
        }
    }
}
