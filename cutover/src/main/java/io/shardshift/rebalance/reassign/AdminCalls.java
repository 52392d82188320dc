package io.shardshift.rebalance.reassign;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;

/** Waits on admin futures with a bound and turns failures into {@link ReassignmentException}s naming the call. */
final class AdminCalls {
    private AdminCalls() {
    }

    static <T> T get(KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReassignmentException("interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            throw new ReassignmentException("could not " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ReassignmentException("could not " + what + ": no answer within " + timeout, e);
        }
    }
}
