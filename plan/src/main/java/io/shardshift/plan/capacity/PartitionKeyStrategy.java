package io.shardshift.plan.capacity;

/** Ways to choose the partition of a record, with the order each one keeps. */
public enum PartitionKeyStrategy {
    /** Hash of the primary key: even, order kept per row. What the change topics use. */
    HASH("per row: every change to one row, in order"),
    /** Hash of the tenant: every change of a tenant on one partition, so a big tenant makes a hot partition. */
    PER_USER("per tenant: every change of a tenant, in order, across its rows"),
    /** The record's time window: at any moment every write goes to the same partition. */
    TIME_BASED("per time window: changes within one window, in order; but all current writes hit one partition"),
    /** Hash of the tenant plus a sub-bucket of the key: a tenant spread over a few partitions. */
    COMPOSITE("per row, and per tenant sub-group; not across a tenant's sub-groups"),
    /** A random partition per record: even, but no order at all. */
    RANDOM("none: two changes to one row may be applied out of order (unusable for change apply)");

    private final String orderKept;

    PartitionKeyStrategy(String orderKept) {
        this.orderKept = orderKept;
    }

    /** The ordering this strategy keeps, for people. */
    public String orderKept() {
        return orderKept;
    }
}
