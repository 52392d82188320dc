package io.shardshift.engine.topology;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the dead letters in memory. */
final class RecordingDeadLetters implements DeadLetterPublisher {
    final List<DeadLetter> letters = new CopyOnWriteArrayList<>();

    @Override
    public void publish(DeadLetter letter) {
        letters.add(letter);
    }

    @Override
    public long published() {
        return letters.size();
    }
}
