package io.shardshift.engine.metrics;

import java.util.List;

/** Fixed samples for tests. */
public final class Samples {
    private Samples() {
    }

    /** A sample of migration "demo" with two targets, two partitions and one table half copied. */
    public static LagSample at(long millis, long consumerLag) {
        return new LagSample(millis, 0x3000000L, 0x2F00000L, 1234, 4096, "reserved", 2, 1,
                List.of(new LagSample.TargetLag("pg_a", 0x2F00000L, 0x100000L, 1.5, 1000, 0, 900, 40, 120, 100),
                        new LagSample.TargetLag("pg_b", 0x2E00000L, 0x200000L, 2.5, 2000, 1, 1800, 45, 130, 110)),
                List.of(new LagSample.PartitionLag("shardshift.demo.public.orders", 0, consumerLag),
                        new LagSample.PartitionLag("shardshift.demo.public.orders", 1, 3)),
                List.of(new LagSample.TableBackfill("public.orders", 5000, 10000, 2, 4, false)));
    }
}
