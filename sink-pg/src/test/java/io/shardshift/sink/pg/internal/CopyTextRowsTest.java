package io.shardshift.sink.pg.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CopyTextRowsTest {

    @Test
    void shouldDecodeKeyFieldsOfEveryLine() {
        CopyTextRows rows = parse("1\tacme\tx\n2\tinit\\tech\ty\n3\t\\N\tz", List.of(0, 1));

        assertThat(rows.size()).isEqualTo(3);
        assertThat(rows.keyColumn(0)).containsExactly("1", "2", "3");
        assertThat(rows.keyColumn(1)).containsExactly("acme", "init\tech", null);
    }

    @Test
    void shouldDecodeEveryCopyEscape() {
        byte[] b = "a\\\\b\\nc\\rd\\te\\bf\\fg\\vh\\101\\x42\\q\\".getBytes(StandardCharsets.UTF_8);
        assertThat(io.shardshift.core.copy.CopyText.unescape(b, 0, b.length)).isEqualTo("a\\b\nc\rd\te\bf\fg\u000Bh" + "AB" + "q\\");
    }

    @Test
    void shouldKeepMultibyteCharactersAndTreatMissingFieldAsNull() {
        CopyTextRows rows = parse("héllo\twörld\nshort\n", List.of(1));
        assertThat(rows.keyColumn(0)).containsExactly("wörld", null);
    }

    @Test
    void shouldStopAtEndOfDataMarkerAndAcceptCrLf() {
        CopyTextRows rows = parse("1\ta\r\n2\tb\r\n\\.\n3\tc\n", List.of(0, 1));
        assertThat(rows.keyColumn(1)).containsExactly("a", "b");
    }

    @Test
    void shouldWriteOnlyRowsNotSkippedAndEndLastLine() throws SQLException {
        CopyTextRows rows = parse("1\ta\n2\tb\n3\tc\n4\td", List.of(0));
        BitSet skip = new BitSet();
        skip.set(1);

        assertThat(written(rows, skip)).isEqualTo("1\ta\n3\tc\n4\td\n");
        assertThat(written(rows, new BitSet())).isEqualTo("1\ta\n2\tb\n3\tc\n4\td\n");
    }

    private static CopyTextRows parse(String text, List<Integer> keys) {
        return CopyTextRows.parse(text.getBytes(StandardCharsets.UTF_8), keys);
    }

    private static String written(CopyTextRows rows, BitSet skip) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rows.writeRows(skip, out::write);
        return out.toString(StandardCharsets.UTF_8);
    }
}
