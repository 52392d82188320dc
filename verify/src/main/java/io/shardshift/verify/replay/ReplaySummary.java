package io.shardshift.verify.replay;

import io.shardshift.client.shadow.ShadowRecord;

import java.util.List;

/**
 * What a replay found.
 *
 * @param reads          selects replayed
 * @param agree          answers equal
 * @param mismatch       answers different, not explained by lag
 * @param explainedByLag different at first, equal once the new side had applied up to the source's position
 * @param errors         selects that failed on either side
 * @param skippedLines   lines that held no top-level successful select
 * @param mismatches     the disagreeing records (mismatches and errors), in log order
 */
public record ReplaySummary(long reads, long agree, long mismatch, long explainedByLag, long errors, long skippedLines,
                            List<ShadowRecord> mismatches) {
    public ReplaySummary {
        mismatches = List.copyOf(mismatches);
    }

    /** Whether nothing mismatched or failed. */
    public boolean clean() {
        return mismatch == 0 && errors == 0;
    }

    /** The summary for the terminal: one line of counts, then each mismatch. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(java.util.Locale.ROOT,
                "shadow replay: %d reads, %d agree, %d mismatch, %d explained by lag, %d errors (%d lines skipped)%n",
                reads, agree, mismatch, explainedByLag, errors, skippedLines));
        for (ShadowRecord r : mismatches) {
            b.append("  ").append(r.outcome()).append(' ').append(r.table()).append(' ').append(r.query()).append(": ")
                    .append(r.detail()).append(System.lineSeparator());
            b.append("    old ").append(r.oldAnswer()).append(System.lineSeparator());
            b.append("    new ").append(r.newAnswer()).append(System.lineSeparator());
        }
        return b.toString();
    }
}
