package dev.rendezvous.engine;

/**
 * How the rendezvous (owner and standby; config section {@code rendezvous}) times its decisions.
 *
 * @param replyMarginMaxShare the largest share of a request's deadline the rendezvous keeps free for the
 *                            answer's trip to the caller: it decides at the latest at deadline minus the
 *                            learnt reply hop (p99 of its own decisions read back), capped to this share;
 *                            0 decides at the deadline itself (the behaviour before the margin)
 */
public record RendezvousSettings(double replyMarginMaxShare) {
    public static final RendezvousSettings DEFAULTS = new RendezvousSettings(ReplyMargin.DEFAULT_MAX_SHARE);

    public RendezvousSettings {
        if (!(replyMarginMaxShare >= 0 && replyMarginMaxShare <= 0.5)) {
            throw new IllegalArgumentException("rendezvous.replyMarginMaxShare: " + replyMarginMaxShare + " is not between 0 and 0.5");
        }
    }
}
