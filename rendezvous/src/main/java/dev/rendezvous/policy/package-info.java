/**
 * Rendezvous policies as data and the pure function that applies them: which model answer to
 * serve for a request, or when to look again.
 *
 * <p>Every time in this package is an offset in milliseconds since the gateway received the request
 * ({@code nowMs}, {@code arrivalMs}, {@code untilMs}, {@code deadlineMs}), never a wall-clock time:
 * the runtime converts, so that the decision can be tested with a virtual clock.
 */
package dev.rendezvous.policy;
