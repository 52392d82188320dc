package io.shardshift.engine.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {

    @Test
    void shouldDrawBarWithRateAndEtaOnATerminal() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), true);
        String line = bar.render("public.orders", 50_000, 200_000, 10_000, "lag 12 ms");
        assertThat(line).contains("[########").contains(" 25.0%").contains("50,000/200,000 rows")
                .contains("ETA 0m15s").contains("10,000 rows/s").contains("lag 12 ms");
    }

    @Test
    void shouldPrintPlainLinesWhenNotATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        bar.update("public.orders", 10, 100, 5, null);
        bar.update("public.orders", 20, 100, 5, null);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r").doesNotContain("[#");
        assertThat(out.lines()).hasSize(2);
    }
}
