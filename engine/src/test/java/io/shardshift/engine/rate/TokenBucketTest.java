package io.shardshift.engine.rate;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    @Test
    void shouldPaceReadersToTheRate() throws Exception {
        TokenBucket bucket = new TokenBucket();
        bucket.setRate(10_000);
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            bucket.acquire(1024);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("10,240 rows at 10,000 rows/s with a burst of 2,000").isBetween(0.7, 3.0);
        assertThat(bucket.granted()).isEqualTo(10_240);
    }

    @Test
    void shouldNotWaitWithoutALimit() throws Exception {
        TokenBucket bucket = new TokenBucket();
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            bucket.acquire(1024);
        }
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(0.5);
    }

    @Test
    void shouldEndAWaitWhenInterrupted() throws Exception {
        TokenBucket bucket = new TokenBucket();
        bucket.setRate(1);
        bucket.acquire(1000);
        AtomicLong outcome = new AtomicLong();
        Thread t = new Thread(() -> {
            try {
                bucket.acquire(1000);
                outcome.set(1);
            } catch (InterruptedException e) {
                outcome.set(2);
            }
        });
        t.start();
        t.interrupt();
        t.join(5000);
        assertThat(outcome.get()).isEqualTo(2);
    }

    @Test
    void shouldApplyARaisedRateAtOnce() throws Exception {
        TokenBucket bucket = new TokenBucket();
        bucket.setRate(1);
        bucket.acquire(1000);
        Thread raiser = new Thread(() -> bucket.setRate(Double.POSITIVE_INFINITY));
        long start = System.nanoTime();
        raiser.start();
        bucket.acquire(1000);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    }
}
