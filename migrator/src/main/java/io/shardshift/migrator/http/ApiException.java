package io.shardshift.migrator.http;

import io.shardshift.rebalance.RebalanceException;

/**
 * An error answered as JSON {@code {"error": "<code>", "reason": "<what went wrong>"}} with an HTTP status.
 * Handlers throw it for bad input or a refused action; anything else a handler throws becomes a 500.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    /**
     * @param status the HTTP status, e.g. 400
     * @param error  a short code, e.g. {@code bad_request}
     * @param reason what went wrong, for a person; names the field or parameter at fault
     */
    public ApiException(int status, String error, String reason) {
        super(reason);
        this.status = status;
        this.error = error;
    }

    /** The answer to a refused rebalance: 400, 404, 409 or 503 by its kind. */
    public static ApiException of(RebalanceException e) {
        if (e instanceof RebalanceException.InvalidRequest) {
            return badRequest(e.getMessage());
        } else if (e instanceof RebalanceException.NotFound) {
            return notFound(e.getMessage());
        } else if (e instanceof RebalanceException.Conflict) {
            return conflict(e.getMessage());
        }
        return new ApiException(503, "unavailable", e.getMessage());
    }

    public static ApiException badRequest(String reason) {
        return new ApiException(400, "bad_request", reason);
    }

    public static ApiException unauthorized(String reason) {
        return new ApiException(401, "unauthorized", reason);
    }

    public static ApiException notFound(String reason) {
        return new ApiException(404, "not_found", reason);
    }

    /** The request is valid but the migration's state refuses it (e.g. a cutover gate is not passed). */
    public static ApiException conflict(String reason) {
        return new ApiException(409, "conflict", reason);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String reason() {
        return getMessage();
    }
}
