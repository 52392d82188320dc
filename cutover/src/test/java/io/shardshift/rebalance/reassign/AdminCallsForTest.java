package io.shardshift.rebalance.reassign;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaFuture;

/** Bounded waits on admin futures in tests. */
final class AdminCallsForTest {
    private AdminCallsForTest() {
    }

    static <T> T get(KafkaFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }
}
