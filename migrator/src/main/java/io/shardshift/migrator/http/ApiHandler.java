package io.shardshift.migrator.http;

/** Answers the requests of one route of {@link HttpApi}. */
@FunctionalInterface
public interface ApiHandler {

    /**
     * @throws ApiException for bad input or a refused action (answered with its status and reason)
     * @throws Exception    anything else, answered as a 500 naming the route
     */
    ApiResponse handle(ApiRequest request) throws Exception;
}
