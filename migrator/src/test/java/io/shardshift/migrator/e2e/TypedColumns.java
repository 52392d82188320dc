package io.shardshift.migrator.e2e;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The columns of {@link TypeRoundTripPropertyIT}: one per carried type family, each with a generator of
 * PostgreSQL input text (null for SQL NULL) and a list of edge values the backfilled rows hold.
 */
final class TypedColumns {
    /** A column: name, SQL type, generated values and edge values. */
    record Column(String name, String type, Arbitrary<String> values, List<String> edges) {
    }

    private static final String TEXT_CHARS = "aZ09 \t\n\r\\\"',{}()NUL:éü☃";
    private static final Arbitrary<String> TEXT = Arbitraries.oneOf(
            Arbitraries.strings().withChars(TEXT_CHARS).ofMaxLength(12),
            Arbitraries.of("\\N", "", "NULL", "tab\there\nnew\\line \\N ☃ 𝄞 é \r end", "   "));
    private static final Arbitrary<String> NUMERIC = Arbitraries.oneOf(
            Arbitraries.bigDecimals().between(new BigDecimal("-1e15"), new BigDecimal("1e15")).ofScale(6)
                    .map(BigDecimal::toPlainString),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.of("NaN", "Infinity", "-Infinity", "1.500", "-0.000000000000000000000000000001"));
    private static final Arbitrary<String> DATE = Arbitraries.oneOf(
            Arbitraries.longs().between(LocalDate.of(-4713, 11, 24).toEpochDay(), LocalDate.of(99_999, 12, 31).toEpochDay())
                    .map(d -> date(LocalDate.ofEpochDay(d))),
            Arbitraries.of("infinity", "-infinity", "0044-03-15 BC", "4714-11-24 BC", "5874897-12-31", "2000-02-29"));
    private static final Arbitrary<String> TIME = Combinators.combine(Arbitraries.integers().between(0, 23),
            Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 59),
            Arbitraries.integers().between(0, 999_999)).as((h, m, s, f) -> "%02d:%02d:%02d.%06d".formatted(h, m, s, f));
    private static final Arbitrary<String> TIMESTAMP = Arbitraries.oneOf(
            Combinators.combine(DATE.filter(d -> !d.contains("infinity") && !d.startsWith("5874897")), TIME)
                    .as(TypedColumns::timestamp),
            Arbitraries.of("infinity", "-infinity", "294276-12-31 23:59:59.999999", "4714-11-24 00:00:00 BC"));
    private static final Arbitrary<String> INTERVAL = Arbitraries.oneOf(
            Combinators.combine(Arbitraries.integers().between(-5000, 5000), Arbitraries.integers().between(-11, 11),
                    Arbitraries.integers().between(-40, 40), TIME, Arbitraries.of("", "-"))
                    .as((y, mo, d, t, sign) -> y + " years " + mo + " mons " + d + " days " + sign + t),
            Arbitraries.of("-178000000 years", "00:00:00", "1 mon -1 days +00:00:00.000001"));

    static final List<Column> ALL = List.of(
            column("n", "numeric", NUMERIC, "NaN", "Infinity", "-0.000000000000000000000000000001"),
            column("n2", "numeric(30,6)", Arbitraries.bigDecimals().between(new BigDecimal("-1e20"),
                    new BigDecimal("1e20")).ofScale(6).map(BigDecimal::toPlainString), "0.000000", "-1.5"),
            column("na", "numeric[]", array(NUMERIC), "{1.50,NULL,NaN}", "{{1,2},{3,NULL}}", "{}"),
            column("f8", "double precision", Arbitraries.oneOf(Arbitraries.doubles().map(Object::toString),
                    Arbitraries.of("NaN", "Infinity", "-Infinity", "-0", "5e-324")), "NaN", "-Infinity", "1e308"),
            column("m", "money", Arbitraries.longs().between(-1_000_000_000_000L, 1_000_000_000_000L)
                    .map(c -> (c < 0 ? "-" : "") + Math.abs(c) / 100 + "." + "%02d".formatted(Math.abs(c) % 100)),
                    "-12.34", "0.00"),
            column("b", "bytea", Arbitraries.bytes().array(byte[].class).ofMaxSize(12)
                    .map(b -> "\\x" + HexFormat.of().formatHex(b)), "\\x", "\\x005c4e0a"),
            column("bits", "bit(6)", Arbitraries.strings().withChars("01").ofLength(6), "000000", "100001"),
            column("vb", "bit varying", Arbitraries.strings().withChars("01").ofMaxLength(10), "", "0001"),
            column("ia", "integer[]", Arbitraries.oneOf(array(Arbitraries.integers().map(String::valueOf)),
                    array2(Arbitraries.integers().between(-9, 9).map(String::valueOf))),
                    "{}", "{NULL}", "{{1,2},{3,NULL}}", "[0:1]={7,8}"),
            column("ta", "text[]", Arbitraries.oneOf(array(TEXT), array2(TEXT)), "{\"a b\",NULL,\"NULL\",\"\\\\N\",\"\"}", "{}"),
            column("j", "json", json(), "{\"b\":1,  \"a\":[1,2]}", "\"just a string\""),
            column("jb", "jsonb", json(), "{\"a\":{\"b\":[null,1.50,\"x\\ty\"]}}", "[]"),
            column("x", "xml", Arbitraries.strings().withChars("ab &<>\"'é").ofMaxLength(8).map(TypedColumns::xml),
                    "<a x=\"1\">t&amp;<b/></a>", "<r/>"),
            column("u", "uuid", Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                    .as((a, b) -> new UUID(a, b).toString()), "00000000-0000-0000-0000-000000000000"),
            column("ip", "inet", Arbitraries.oneOf(octets(4).map(o -> o + "/" + 24), Arbitraries.of("::1", "2001:db8::1/64")),
                    "192.168.0.1/24", "::1"),
            column("net", "cidr", octets(2).map(o -> o + ".0.0/16"), "10.0.0.0/8", "2001:db8::/32"),
            column("mac", "macaddr", Arbitraries.bytes().array(byte[].class).ofSize(6)
                    .map(b -> HexFormat.ofDelimiter(":").formatHex(b)), "08:00:2b:01:02:03"),
            column("r", "int4range", Combinators.combine(Arbitraries.integers().between(-1000, 1000),
                    Arbitraries.integers().between(1, 1000)).as((a, l) -> "[" + a + "," + (a + l) + ")"), "empty", "(,5]"),
            column("tr", "tstzrange", TIMESTAMP.filter(TypedColumns::zonable)
                    .map(t -> "[\"" + zoned(t, "+00") + "\",infinity)"), "[\"2024-01-01 00:00+00\",infinity)", "(,)"),
            column("mr", "int4multirange", Arbitraries.integers().between(0, 100).map(a -> "{[" + a + "," + (a + 2) + "),["
                    + (a + 5) + "," + (a + 9) + ")}"), "{}", "{[1,3),[5,7)}"),
            column("tsv", "tsvector", Arbitraries.strings().withChars("abcxyz").ofMinLength(1).ofMaxLength(5).list()
                    .ofMinSize(1).ofMaxSize(4).map(w -> String.join(" ", w)), "a:1A fat:2 cat", ""),
            column("p", "point", Combinators.combine(Arbitraries.doubles(), Arbitraries.doubles())
                    .as((a, b) -> "(" + a + "," + b + ")"), "(1.5,-2)", "(0,0)"),
            column("bx", "box", Combinators.combine(Arbitraries.doubles(), Arbitraries.doubles())
                    .as((a, b) -> "(" + a + "," + b + "),(0.1,1e-300)"), "(1,1),(0,0)"),
            column("ci", "circle", Combinators.combine(Arbitraries.doubles(), Arbitraries.doubles().between(0, 1e6))
                    .as((a, r) -> "<(" + a + ",2)," + r + ">"), "<(1,2),3>"),
            column("iv", "interval", INTERVAL, "-178000000 years", "1 year 2 mons -3 days 04:05:06.789"),
            column("iva", "interval[]", array(INTERVAL), "{\"1 day\",NULL,\"-00:00:01.5\"}", "{}"),
            column("t", "time", Arbitraries.oneOf(TIME, Arbitraries.of("24:00:00", "00:00:00")), "24:00:00", "23:59:59.999999"),
            column("d", "date", DATE, "infinity", "-infinity", "0044-03-15 BC", "4714-11-24 BC"),
            column("ts", "timestamp", TIMESTAMP, "-infinity", "infinity", "294276-12-31 23:59:59.999999",
                    "0001-01-01 00:00:00 BC"),
            column("tz", "timestamptz", Arbitraries.oneOf(Combinators.combine(TIMESTAMP.filter(TypedColumns::zonable), Arbitraries.of("+00", "+05:30", "-08")).as(TypedColumns::zoned), Arbitraries.of("infinity", "-infinity")),
                    "infinity", "-infinity", "0044-03-15 10:00:00.5+00 BC"),
            column("da", "date[]", Arbitraries.oneOf(array(DATE), array2(DATE)),
                    "{infinity,NULL,-infinity,\"0044-03-15 BC\"}", "{{2024-01-01,NULL},{infinity,2024-01-03}}"),
            column("mo", "mood", Arbitraries.of("sad", "ok", "very happy"), "very happy"),
            column("sp", "small_pos", Arbitraries.integers().between(1, 999).map(String::valueOf), "999"),
            column("pr", "pair", Combinators.combine(TEXT, Arbitraries.integers().between(1, 999),
                    array(Arbitraries.of("sad", "ok", "very happy"))).as((l, n, a) -> "(" + quoted(l) + "," + n + ","
                    + quoted(a == null ? "{}" : a) + ")"), "(\"1 Main St, \"\"A\"\"\",3,\"{sad,NULL}\")", "(,,)"),
            column("txt", "text", TEXT, "tab\there\nnew\\line \\N ☃ 𝄞 é \r end", "\\N", ""),
            column("bo", "boolean", Arbitraries.of("t", "f"), "t"));

    /** Rows of edge values the backfill carries: row {@code i} takes each column's edge {@code i}, or NULL. */
    static final int EDGE_ROWS = ALL.stream().mapToInt(c -> c.edges().size()).max().orElse(0) + 1;

    private TypedColumns() {
    }

    static List<String> edgeRow(int i) {
        return ALL.stream().map(c -> i < c.edges().size() ? c.edges().get(i) : null).toList();
    }

    private static Column column(String name, String type, Arbitrary<String> values, String... edges) {
        return new Column(name, type, values.injectNull(0.1), List.of(edges));
    }

    /** A one-dimensional array literal with NULL elements, every other element double-quoted. */
    private static Arbitrary<String> array(Arbitrary<String> element) {
        return element.injectNull(0.2).list().ofMaxSize(4).map(TypedColumns::arrayLiteral);
    }

    /** A two-dimensional array literal (2 x 1..3). */
    private static Arbitrary<String> array2(Arbitrary<String> element) {
        return Arbitraries.integers().between(1, 3).flatMap(width -> element.injectNull(0.2).list().ofSize(width)
                .list().ofSize(2).map(rows -> rows.stream().map(TypedColumns::arrayLiteral)
                        .collect(Collectors.joining(",", "{", "}"))));
    }

    private static String arrayLiteral(List<String> elements) {
        return elements.stream().map(e -> e == null ? "NULL" : quoted(e)).collect(Collectors.joining(",", "{", "}"));
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Arbitrary<String> json() {
        return Combinators.combine(Arbitraries.integers(), TEXT.filter(s -> s != null), Arbitraries.of(" ", "", "\n  "))
                .as((n, s, ws) -> "{\"n\":" + ws + n + ", \"s\": " + jsonString(s) + ",\"a\":[null," + ws + "1.50]}");
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String xml(String s) {
        String text = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        return "<a x=\"" + text + "\">" + text + "<b/></a>";
    }

    private static Arbitrary<String> octets(int n) {
        return Arbitraries.integers().between(0, 255).list().ofSize(n)
                .map(o -> o.stream().map(Object::toString).collect(Collectors.joining(".")));
    }

    private static String date(LocalDate d) {
        int y = d.getYear();
        String text = "%04d-%02d-%02d".formatted(y > 0 ? y : 1 - y, d.getMonthValue(), d.getDayOfMonth());
        return y > 0 ? text : text + " BC";
    }

    /** Whether a timestamp stays in range with any offset: not infinite, not at the first or the last day. */
    private static boolean zonable(String t) {
        return !t.contains("infinity") && !t.startsWith("294276") && !t.startsWith("4714-11-24");
    }

    private static String zoned(String t, String zone) {
        return t.endsWith(" BC") ? t.substring(0, t.length() - 3) + zone + " BC" : t + zone;
    }

    private static String timestamp(String date, String time) {
        return date.endsWith(" BC") ? date.substring(0, date.length() - 3) + " " + time + " BC" : date + " " + time;
    }
}
