package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void ansiEscapesAndNewlinesBecomeVisibleEscapes() {
        assertThat(TerminalText.safe("evil\u001b[2J\u001b[31mroot\r\nFINDING none"))
                .isEqualTo("evil\\u001B[2J\\u001B[31mroot\\u000D\\u000AFINDING none");
    }

    @Test
    void bidiOverridesAndOtherInvisibleCharactersAreEscaped() {
        assertThat(TerminalText.safe("admin\u202Etxt.exe\u200B\u2028\u0085\u007f"))
                .isEqualTo("admin\\u202Etxt.exe\\u200B\\u2028\\u0085\\u007F");
    }

    @Test
    void aLiteralBackslashCannotForgeAnEscape() {
        assertThat(TerminalText.safe("a\\u001Bb")).isEqualTo("a\\\\u001Bb");
    }

    @Test
    void printableUnicodeIsKept() {
        assertThat(TerminalText.safe("utilisateur-été 用户 \uD83D\uDE00")).isEqualTo("utilisateur-été 用户 \uD83D\uDE00");
    }

    @Test
    void longValuesAreCutAndSaySo() {
        String huge = "A".repeat(5_000_000);

        assertThat(TerminalText.safe(huge, 10)).isEqualTo("AAAAAAAAAA...[4999990 more chars]");
    }

    @Test
    void nullIsADash() {
        assertThat(TerminalText.safe(null)).isEqualTo("-");
    }
}
