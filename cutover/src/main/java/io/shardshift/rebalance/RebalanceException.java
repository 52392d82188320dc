package io.shardshift.rebalance;

/**
 * Why a rebalance request or action was refused, as a type the caller can act on. The HTTP layer maps each kind
 * to a status code; the CLI prints the reason. The message always names the field, id or state at fault.
 */
public abstract sealed class RebalanceException extends RuntimeException
        permits RebalanceException.InvalidRequest, RebalanceException.NotFound, RebalanceException.Conflict,
        RebalanceException.Unavailable {

    private RebalanceException(String reason) {
        super(reason);
    }

    /** The request itself is wrong (a missing or bad field); sending it again unchanged fails again. */
    public static InvalidRequest invalid(String reason) {
        return new InvalidRequest(reason);
    }

    /** What the request names (a rebalance id, a collection) does not exist. */
    public static NotFound notFound(String reason) {
        return new NotFound(reason);
    }

    /** The request is valid but the rebalance's state refuses it (already running, still starting, aborted). */
    public static Conflict conflict(String reason) {
        return new Conflict(reason);
    }

    /** A system the request needs cannot be reached now, or the migrator is stopping; trying later may work. */
    public static Unavailable unavailable(String reason) {
        return new Unavailable(reason);
    }

    /** See {@link #invalid(String)}. */
    public static final class InvalidRequest extends RebalanceException {
        private InvalidRequest(String reason) {
            super(reason);
        }
    }

    /** See {@link #notFound(String)}. */
    public static final class NotFound extends RebalanceException {
        private NotFound(String reason) {
            super(reason);
        }
    }

    /** See {@link #conflict(String)}. */
    public static final class Conflict extends RebalanceException {
        private Conflict(String reason) {
            super(reason);
        }
    }

    /** See {@link #unavailable(String)}. */
    public static final class Unavailable extends RebalanceException {
        private Unavailable(String reason) {
            super(reason);
        }
    }
}
