package io.shardshift.tools.chaos;

import java.time.Duration;

/**
 * The sizes and durations of a chaos run.
 *
 * @param rows          rows of the demo table at the start
 * @param writers       writers following the config topic
 * @param rate          their writes per second, all together
 * @param streamSeconds seconds of streaming before (and again after) the fault
 * @param outage        how long a target, a Solr node or the network stays down
 * @param hang          how long the migrator stays suspended in the freeze
 */
record ChaosSettings(int rows, int writers, double rate, int streamSeconds, Duration outage, Duration hang) {
    /** The full suite's figures: a 30 s outage, a 60 s hang. */
    static ChaosSettings full() {
        return new ChaosSettings(20_000, 4, 100, 6, Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** The CI tier's: a 10 s outage and hang, a smaller table, 2 s of streaming around the fault. */
    static ChaosSettings quick() {
        return new ChaosSettings(2_000, 3, 60, 2, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /** How long a writer keeps retrying one write (or waiting out a freeze) before it fails the run. */
    Duration writerPatience() {
        return outage.plus(hang).plus(Duration.ofSeconds(90));
    }
}
