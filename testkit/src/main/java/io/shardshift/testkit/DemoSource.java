package io.shardshift.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The sample source of {@code shardshift demo} and of the end-to-end tests: an {@code orders} table of
 * several tenants, one of them hot (half of all rows), with {@code REPLICA IDENTITY FULL}.
 */
public final class DemoSource {
    /** The tenants; the first one is the hot tenant. */
    public static final List<String> TENANTS = List.of("acme", "globex", "initech", "umbrella", "hooli",
            "stark", "wayne", "wonka");
    /** The hot tenant: half of the rows and of the writes. */
    public static final String HOT_TENANT = TENANTS.get(0);

    private DemoSource() {
    }

    /** Creates the table (dropping an old one) and fills it with {@code rows} rows. */
    public static void create(Connection source, int rows) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("DROP TABLE IF EXISTS public.orders");
            st.execute("""
                    CREATE TABLE public.orders (
                      id bigserial PRIMARY KEY,
                      tenant_id text NOT NULL,
                      customer text NOT NULL,
                      status text NOT NULL,
                      amount numeric(12,2) NOT NULL,
                      created_at timestamptz NOT NULL DEFAULT now(),
                      note text
                    )""");
            st.execute("CREATE INDEX orders_tenant_idx ON public.orders (tenant_id)");
            st.execute("ALTER TABLE public.orders REPLICA IDENTITY FULL");
            st.execute("INSERT INTO public.orders (tenant_id, customer, status, amount, created_at, note) "
                    + "SELECT " + tenantExpression("g") + ", 'customer-' || (g % 5000), "
                    + "(ARRAY['new','paid','shipped','returned'])[1 + g % 4], round((g % 100000) / 7.0, 2), "
                    + "timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second', "
                    + "CASE WHEN g % 10 = 0 THEN NULL ELSE 'note for order ' || g END "
                    + "FROM generate_series(1, " + rows + ") g");
            st.execute("ANALYZE public.orders");
        }
    }

    /** SQL that maps an integer to a tenant: half of the values to the hot tenant, the rest spread. */
    static String tenantExpression(String n) {
        StringBuilder arr = new StringBuilder("(ARRAY[");
        for (int i = 1; i < TENANTS.size(); i++) {
            arr.append(i > 1 ? "," : "").append('\'').append(TENANTS.get(i)).append('\'');
        }
        arr.append("])");
        return "CASE WHEN " + n + " % 2 = 0 THEN '" + HOT_TENANT + "' ELSE " + arr + "[1 + (" + n + " / 2) % "
                + (TENANTS.size() - 1) + "] END";
    }
}
