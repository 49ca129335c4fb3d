package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The live progress line fits the terminal: one character short of its width, dropping fields as it narrows. */
class ProgressLineTests {

    /** A big run part way: 12-digit totals and a 7-digit rate, the widest numbers a line shows. */
    private static final ProgressLine.Figures BIG = new ProgressLine.Figures(123_456_789_012L, 61_728_394_506L, 2_486_016,
            Duration.ofSeconds(24_829), 1_234_567);
    private static final ProgressLine.Figures SMALL = new ProgressLine.Figures(500_000, 245_760, 81_920, Duration.ofSeconds(3), 12);

    @ParameterizedTest
    @ValueSource(ints = {20, 40, 60, 80, 100, 120, 200})
    void aLineNeverReachesTheLastColumn(int width) {
        // when
        String big = ProgressLine.format(123_456, BIG, width);
        String small = ProgressLine.format(12, SMALL, width);

        // then
        assertThat(big.length()).as(big).isLessThan(width);
        assertThat(small.length()).as(small).isLessThan(width);
        assertThat(big).startsWith("run 123456 ").contains("50.0%");
        assertThat(small).startsWith("run 12 ").contains("49.2%");
    }

    @Test
    void at120ColumnsEveryFieldShowsWithTheBar() {
        // when
        String line = ProgressLine.format(12, SMALL, 120);

        // then
        assertThat(line).matches("run 12 \\[=+> +] +49\\.2% · 245,760/500,000 rows · +81,920 rows/s · ETA 0:03 · 12 rejected");
        System.out.println("120 columns: " + line);
    }

    @Test
    void at80ColumnsTheBarStaysAndTheRejectedCountGoesFirst() {
        // when
        String line = ProgressLine.format(12, SMALL, 80);

        // then
        assertThat(line).contains("[").contains("245,760/500,000 rows").contains("rows/s").contains("ETA 0:03")
                .doesNotContain("rejected");
        assertThat(bar(line)).hasSizeGreaterThanOrEqualTo(ProgressLine.MIN_BAR);
        System.out.println(" 80 columns: " + line);
    }

    @Test
    void at40ColumnsOnlyTheRunThePercentageAndTheEtaRemain() {
        // when
        String line = ProgressLine.format(12, SMALL, 40);

        // then
        assertThat(line).doesNotContain("rows").doesNotContain("rejected");
        assertThat(line).contains("49.2%").contains("ETA 0:03");
        System.out.println(" 40 columns: " + line);
    }

    @Test
    void aWiderTerminalGetsALongerBarUpToItsMaximum() {
        // when
        String at100 = ProgressLine.format(12, SMALL, 100);
        String at200 = ProgressLine.format(12, SMALL, 200);

        // then
        assertThat(bar(at200)).hasSize(ProgressLine.MAX_BAR);
        assertThat(bar(at100).length()).isGreaterThanOrEqualTo(ProgressLine.MIN_BAR).isLessThanOrEqualTo(ProgressLine.MAX_BAR);
    }

    @Test
    void theBarKeepsItsWidthAsTheNumbersGrow() {
        // given: the start and the end of one run
        ProgressLine.Figures start = new ProgressLine.Figures(500_000, 0, 0, null, 0);
        ProgressLine.Figures end = new ProgressLine.Figures(500_000, 500_000, 181_920, Duration.ZERO, 12);

        // then
        assertThat(bar(ProgressLine.format(12, start, 80))).hasSameSizeAs(bar(ProgressLine.format(12, end, 80)));
        assertThat(ProgressLine.format(12, start, 80)).contains("ETA    ?");
    }

    private static String bar(String line) {
        return line.substring(line.indexOf('[') + 1, line.indexOf(']'));
    }
}
