package io.shardshift.core.copy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopyTextTest {

    @Test
    void shouldReadFieldsByIndexWithoutTheNewline() {
        byte[] line = bytes("1\tacme\thello world\n");

        assertThat(CopyText.field(line, 0)).isEqualTo("1");
        assertThat(CopyText.field(line, 1)).isEqualTo("acme");
        assertThat(CopyText.field(line, 2)).isEqualTo("hello world");
    }

    @Test
    void shouldReadNullMarkerAsNullAndEmptyFieldAsEmptyString() {
        byte[] line = bytes("\\N\t\t\\\\N\n");

        assertThat(CopyText.field(line, 0)).isNull();
        assertThat(CopyText.field(line, 1)).isEmpty();
        assertThat(CopyText.field(line, 2)).isEqualTo("\\N");
    }

    @Test
    void shouldUnescapeEveryBackslashSequence() {
        byte[] line = bytes("a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh\\101\\x42\\q\n");

        assertThat(CopyText.field(line, 0)).isEqualTo("a\tb\nc\rd\\e\bf\fg\u000Bh" + "AB" + "q");
    }

    @Test
    void shouldDecodeUtf8() {
        byte[] line = bytes("ünïcødé\t日本\n");

        assertThat(CopyText.fields(line)).containsExactly("ünïcødé", "日本");
    }

    @Test
    void shouldReadLastFieldOfRowWithoutNewline() {
        assertThat(CopyText.field(bytes("x\ty"), 1)).isEqualTo("y");
    }

    @Test
    void shouldReadFieldOfSlice() {
        byte[] buffer = bytes("junk1\t2\nrest");

        assertThat(CopyText.field(buffer, 6, 2, 0)).isEqualTo("2");
    }

    @Test
    void shouldRejectMissingField() {
        assertThatThrownBy(() -> CopyText.field(bytes("a\tb\n"), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 3");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
