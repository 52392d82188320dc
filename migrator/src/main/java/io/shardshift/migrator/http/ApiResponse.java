package io.shardshift.migrator.http;

import java.nio.charset.StandardCharsets;

/**
 * What a route answers: a status, a content type and a body.
 *
 * @param status      the HTTP status
 * @param contentType the body's content type
 * @param body        the body
 */
public record ApiResponse(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json; charset=utf-8";

    /** 200 with the value as JSON. */
    public static ApiResponse json(Object value) {
        return json(200, value);
    }

    /** The value as JSON with the given status. */
    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, JSON, Json.write(value));
    }

    /** 200 with a text body. */
    public static ApiResponse text(String contentType, String body) {
        return new ApiResponse(200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON error body of an {@link ApiException}. */
    public static ApiResponse error(ApiException e) {
        return json(e.status(), new ErrorBody(e.error(), e.reason()));
    }

    /** The body of every error answer. */
    public record ErrorBody(String error, String reason) {
    }
}
