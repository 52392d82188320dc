#!/usr/bin/env python3
"""Where the CPU samples of a JFR recording go: per thread, the top self frames, and the stacks of the
capture path sorted into stages (decoding, Debezium envelope, conversion, JSON, Kafka send, offsets).

  jfr print --events jdk.ExecutionSample --stack-depth 96 rec.jfr > samples.txt
  python3 tools/scripts/jfr_top.py samples.txt [HH:MM:SS HH:MM:SS]   # optional time window (UTC)
"""
import collections
import re
import sys

STAGES = [  # first match wins, tested against the whole stack (innermost first)
    ("Kafka producer send/flush", ("org.apache.kafka.clients.producer",)),
    ("offset commit (Connect offsets)", ("OffsetStorageWriter", "KafkaOffsetBackingStore", "OffsetBackingStore")),
    ("event -> JSON (ChangeEventCodec)", ("io.shardshift.core.event.ChangeEventCodec", "com.fasterxml.jackson")),
    ("Struct -> ChangeEvent (DebeziumEventConverter, PgTextValues)", ("io.shardshift.cdc.internal.DebeziumEventConverter",
                                                                       "io.shardshift.cdc.internal.PgText")),
    ("pgoutput decoding (Debezium message decoder, JDBC replication stream)",
     ("io.debezium.connector.postgresql.connection.pgoutput", "org.postgresql.replication",
      "io.debezium.connector.postgresql.connection.PostgresReplicationConnection")),
    ("Debezium envelope (Struct building, schemas, queue)", ("io.debezium.",)),
    ("Kafka Connect data (Struct, SourceRecord)", ("org.apache.kafka.connect.",)),
]


# Debezium's decoding thread, the engine's task and record-processing threads (pool-N-thread-N), the
# acknowledging thread and capture's producer.
CAPTURE_THREADS = re.compile(r"change-event-source-coordinator|^pool-\d+-thread-\d+$|^shardshift-capture|"
                             r"kafka-producer-network-thread \| shardshift-.*-capture")


# Inside Debezium's decoding thread, first match wins.
DECODER = [
    ("per-event metrics summary (CommonEventMeter -> toSummaryString, a JSON string per event)", ("toSummaryString",)),
    ("timestamptz text parsed (DateTimeFormatter)", ("DateTimeFormat$ISODateTimeFormat",)),
    ("column values of the old and new row (converters, PgTextConverter)", ("PostgresChangeRecordEmitter.columnValues",
                                                                             "PostgresChangeRecordEmitter.get")),
    ("envelope Structs (source info, validation)", ("org.apache.kafka.connect.data", "SourceInfo")),
    ("queue hand-over", ("ChangeEventQueue",)),
    ("reading the replication stream", ("org.postgresql",)),
]


def parse(path, window):
    sample = None
    with open(path, errors="replace") as f:
        for line in f:
            s = line.strip()
            if s.startswith("jdk.ExecutionSample"):
                sample = {"thread": "?", "frames": [], "time": ""}
            elif sample is None:
                continue
            elif s.startswith("startTime"):
                m = re.search(r"(\d\d:\d\d:\d\d)", s)
                sample["time"] = m.group(1) if m else ""
            elif s.startswith("sampledThread"):
                m = re.search(r'"(.*)"', s)
                sample["thread"] = m.group(1) if m else s
            elif s.startswith("stackTrace") or s == "]" or s.startswith("state"):
                continue
            elif s == "}":
                if not window or window[0] <= sample["time"] <= window[1]:
                    yield sample
                sample = None
            elif s and s != "...":
                sample["frames"].append(re.sub(r"\s+line:.*$", "", s))


def thread_group(name):
    return re.sub(r"\d+", "N", name)


def main():
    window = tuple(sys.argv[2:4]) if len(sys.argv) >= 4 else None
    samples = list(parse(sys.argv[1], window))
    total = len(samples)
    print(f"{total} execution samples" + (f" between {window[0]} and {window[1]}" if window else ""))
    by_thread = collections.Counter(thread_group(s["thread"]) for s in samples)
    print("\nthreads (share of all samples):")
    for t, n in by_thread.most_common(15):
        print(f"  {100.0 * n / total:5.1f}%  {t}")
    self_frames = collections.Counter(s["frames"][0] for s in samples if s["frames"])
    print("\ntop self frames:")
    for fr, n in self_frames.most_common(25):
        print(f"  {100.0 * n / total:5.1f}%  {fr}")
    stages = collections.Counter()
    capture = [s for s in samples if CAPTURE_THREADS.search(s["thread"])]
    for s in capture:
        stack = " ".join(s["frames"])
        stage = next((name for name, keys in STAGES if any(k in stack for k in keys)), "other (JDK: socket reads, queues, locks)")
        stages[stage] += 1
    print(f"\ncapture path: {len(capture)} samples ({100.0 * len(capture) / max(1, total):.1f}% of all), by stage:")
    for st, n in stages.most_common():
        print(f"  {100.0 * n / max(1, len(capture)):5.1f}%  {st}")
    decoder(samples)


def decoder(samples):
    own = [s for s in samples if "change-event-source-coordinator" in s["thread"]]
    stages = collections.Counter()
    for s in own:
        stack = " ".join(s["frames"])
        stages[next((name for name, keys in DECODER if any(k in stack for k in keys)), "rest of Debezium's decoding")] += 1
    print(f"\nDebezium's decoding thread: {len(own)} samples, by what it does:")
    for st, n in stages.most_common():
        print(f"  {100.0 * n / max(1, len(own)):5.1f}%  {st}")


if __name__ == "__main__":
    main()
